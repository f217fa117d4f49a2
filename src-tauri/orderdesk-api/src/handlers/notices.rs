//! Customer notices: the outbox, delivery, the printed notice, and the
//! settings they go out with (the mail server, the letterhead).

use orderdesk_core::outbox::{self, Answer};
use orderdesk_core::store::outbox::OutboxFilter;
use orderdesk_core::{Error, ErrorKind, Msg, Result, auth, settings};

use crate::types::*;
use crate::{Ctx, mail};

pub fn outbox_list(ctx: &Ctx, filter: OutboxFilter) -> Result<Vec<CustomerMessage>> {
    outbox::list(ctx.store(), &ctx.session, &filter)
}

pub fn outbox_counts(ctx: &Ctx) -> Result<OutboxCounts> {
    outbox::counts(ctx.store(), &ctx.session)
}

pub fn outbox_withdraw(ctx: &Ctx, id: i64) -> Result<CustomerMessage> {
    let m = outbox::withdraw(ctx.store(), &ctx.session, id)?;
    ctx.changed(std::slice::from_ref(&m.order_number));
    Ok(m)
}

pub fn outbox_resend(ctx: &Ctx, id: i64) -> Result<CustomerMessage> {
    let m = outbox::resend(ctx.store(), &ctx.session, id)?;
    ctx.changed(std::slice::from_ref(&m.order_number));
    Ok(m)
}

pub fn outbox_deliver(ctx: &Ctx) -> Result<Vec<Delivery>> {
    mail::deliver_now(ctx.api, &ctx.session)
}

pub fn notice_pdf(ctx: &Ctx, number: String) -> Result<Upload> {
    let data = outbox::printable(ctx.store(), &ctx.session, &number)?;
    Ok(Upload {
        name: format!("{}.pdf", number.trim()),
        data,
    })
}

pub fn cancel_preview_pdf(
    ctx: &Ctx,
    number: String,
    reason: Option<String>,
    note: Option<String>,
    customer_message: Option<String>,
) -> Result<Upload> {
    let name = format!("{}.pdf", number.trim());
    let preview = super::cancel_preview(ctx, number, reason, note, customer_message)?;
    let notice = preview
        .customer_notice
        .ok_or_else(|| Error::invalid(Msg::NoCustomerNotice))?;
    Ok(Upload {
        name,
        data: notice.pdf,
    })
}

pub fn mail_get(ctx: &Ctx) -> Result<MailSetup> {
    let settings = settings::mail_for(ctx.store(), &ctx.session)?;
    let kept = mail::password(ctx.api.place(), ctx.store().path()).map(|(_, k)| k);
    Ok(MailSetup {
        configured: settings.configured(),
        password_set: kept.is_some(),
        password_kept: kept.map(|k| k.code().to_string()),
        waiting: outbox::counts(ctx.store(), &ctx.session)?.waiting(),
        settings,
    })
}

/// Keeps the settings; `password` None keeps the one kept, empty forgets it.
pub fn mail_set(ctx: &Ctx, mail: MailSettings, password: Option<String>) -> Result<MailSetup> {
    auth::require_admin(&ctx.session)?;
    settings::check_mail(&mail)?;
    if let Some(p) = &password {
        mail::put_password(ctx.api.place(), ctx.store().path(), p)?;
    }
    settings::set_mail(ctx.store(), &ctx.session, &mail)?;
    ctx.api.events().settings_changed("mail");
    mail_get(ctx)
}

/// Sends a test message to `to`; the server's answer in words.
pub fn mail_test(ctx: &Ctx, to: String) -> Result<String> {
    let Some(smtp) = mail::channel(ctx.api, &ctx.session)? else {
        return Err(Error::new(ErrorKind::RuleViolation, Msg::MailNotConfigured));
    };
    match smtp.test(&to) {
        Answer::Sent(answer) => Ok(answer),
        Answer::Temporary(answer) => Err(Error::new(
            ErrorKind::Unavailable,
            Msg::MailNotSent { answer },
        )),
        Answer::Permanent(answer) => Err(Error::new(
            ErrorKind::InvalidInput,
            Msg::MailNotSent { answer },
        )),
    }
}

pub fn company_get(ctx: &Ctx) -> Result<Company> {
    settings::company(ctx.store())
}

pub fn company_set(ctx: &Ctx, company: Company) -> Result<()> {
    settings::set_company(ctx.store(), &ctx.session, &company)?;
    ctx.api.events().settings_changed("company");
    Ok(())
}
