//! Finding and reading orders, copying them, forward steps.

use orderdesk_core::{Result, detail, lifecycle, reassign, search, settings};

use crate::types::*;
use crate::{Api, Ctx};

pub fn search_orders(ctx: &Ctx, query: SearchQuery) -> Result<SearchPage> {
    search::search(ctx.store(), &ctx.session, &query)
}

pub fn order_detail(ctx: &Ctx, number: String) -> Result<OrderDetail> {
    detail::get(ctx.store(), &ctx.session, &number)
}

pub fn order_version(ctx: &Ctx, number: String) -> Result<i64> {
    detail::version(ctx.store(), &ctx.session, &number)
}

pub fn watching(ctx: &Ctx) -> Result<Vec<Row>> {
    detail::watching(ctx.store(), &ctx.session)
}

pub fn copy_order(ctx: &Ctx, number: String) -> Result<CopyOutcome> {
    let out = detail::copy(ctx.store(), &ctx.session, &number)?;
    ctx.changed(&[out.number.clone(), out.source.clone()]);
    Ok(out)
}

pub fn advance_order(ctx: &Ctx, number: String, version: i64, step: Step) -> Result<i64> {
    let order = lifecycle::advance(ctx.store(), &ctx.session, &number, version, step)?;
    ctx.changed(&[number]);
    Ok(order.version)
}

pub fn record_payment(
    ctx: &Ctx,
    number: String,
    version: i64,
    amount_minor: i64,
) -> Result<OrderState> {
    let order =
        lifecycle::record_payment(ctx.store(), &ctx.session, &number, version, amount_minor)?;
    ctx.changed(&[number]);
    Ok(OrderState {
        number: order.number,
        status: order.status,
        version: order.version,
        currency: order.currency,
    })
}

pub fn limits(_api: &Api) -> Result<Limits> {
    Ok(orderdesk_core::limits::limits())
}

pub fn reasons(api: &Api) -> Result<Vec<Reason>> {
    settings::reasons(api.store())
}

pub fn departments(ctx: &Ctx) -> Result<Vec<Department>> {
    reassign::departments(ctx.store())
}

pub fn department_id(ctx: &Ctx, name: String) -> Result<DepartmentId> {
    reassign::department_id(ctx.store(), &name)
}
