//! A site's own data: customers, products and stock, order entry, import.
//! Changes to customers and products tell the windows (`settings_changed`)
//! so that lists and pickers reload; orders tell `orders_changed`.

use orderdesk_core::{Result, customers, entry, import, products};

use crate::Ctx;
use crate::types::*;

fn changed(ctx: &Ctx, what: &str) {
    ctx.api.events().settings_changed(what);
}

pub fn customers_find(
    ctx: &Ctx,
    text: String,
    include_inactive: bool,
    limit: i64,
) -> Result<Vec<CustomerRecord>> {
    customers::find(ctx.store(), &ctx.session, &text, include_inactive, limit)
}

pub fn customer_get(ctx: &Ctx, id: CustomerId) -> Result<CustomerRecord> {
    customers::get(ctx.store(), &ctx.session, id)
}

pub fn customer_save(ctx: &Ctx, customer: CustomerInput) -> Result<CustomerRecord> {
    let saved = customers::save(ctx.store(), &ctx.session, &customer)?;
    changed(ctx, "customers");
    Ok(saved)
}

pub fn customer_set_active(ctx: &Ctx, id: CustomerId, active: bool) -> Result<CustomerRecord> {
    let saved = customers::set_active(ctx.store(), &ctx.session, id, active)?;
    changed(ctx, "customers");
    Ok(saved)
}

pub fn customer_delete(ctx: &Ctx, id: CustomerId) -> Result<()> {
    customers::delete(ctx.store(), &ctx.session, id)?;
    changed(ctx, "customers");
    Ok(())
}

pub fn customer_history(ctx: &Ctx, id: CustomerId) -> Result<Vec<SettingsEvent>> {
    customers::history(ctx.store(), &ctx.session, id)
}

pub fn products_find(
    ctx: &Ctx,
    text: String,
    include_inactive: bool,
    limit: i64,
) -> Result<Vec<Product>> {
    products::find(ctx.store(), &ctx.session, &text, include_inactive, limit)
}

pub fn product_save(ctx: &Ctx, product: ProductInput) -> Result<Product> {
    let saved = products::save(ctx.store(), &ctx.session, &product)?;
    changed(ctx, "products");
    Ok(saved)
}

pub fn product_set_active(ctx: &Ctx, id: ProductId, active: bool) -> Result<Product> {
    let saved = products::set_active(ctx.store(), &ctx.session, id, active)?;
    changed(ctx, "products");
    Ok(saved)
}

pub fn stock_change(
    ctx: &Ctx,
    id: ProductId,
    change: StockChange,
    reason: String,
) -> Result<Product> {
    let saved = products::change_stock(ctx.store(), &ctx.session, id, &change, &reason)?;
    changed(ctx, "products");
    Ok(saved)
}

pub fn stock_history(ctx: &Ctx, id: ProductId, limit: i64) -> Result<Vec<StockAdjustment>> {
    products::stock_history(ctx.store(), &ctx.session, id, limit)
}

pub fn product_history(ctx: &Ctx, id: ProductId) -> Result<Vec<SettingsEvent>> {
    products::history(ctx.store(), &ctx.session, id)
}

pub fn order_create(ctx: &Ctx, draft: DraftOrder) -> Result<OrderCreated> {
    let made = entry::create(ctx.store(), &ctx.session, &draft)?;
    ctx.changed(std::slice::from_ref(&made.number));
    Ok(made)
}

pub fn order_edit(ctx: &Ctx, number: String, version: i64, draft: DraftOrder) -> Result<i64> {
    let v = entry::edit(ctx.store(), &ctx.session, &number, version, &draft)?;
    ctx.changed(&[number]);
    Ok(v)
}

pub fn import_inspect(ctx: &Ctx, kind: ImportKind, file: Upload) -> Result<ImportSheet> {
    import::inspect(&ctx.session, kind, &file)
}

pub fn import_dry_run(
    ctx: &Ctx,
    kind: ImportKind,
    file: Upload,
    mapping: Vec<FieldColumn>,
    max_rows: Option<i64>,
) -> Result<ImportReport> {
    import::dry_run(ctx.store(), &ctx.session, kind, &file, &mapping, max_rows)
}

pub fn import_start(
    ctx: &Ctx,
    kind: ImportKind,
    file: Upload,
    mapping: Vec<FieldColumn>,
) -> Result<JobStatus> {
    import::start(ctx.store(), &ctx.session, kind, &file, &mapping)
}
