//! First start, login and logout, the idle-lock rule.

use chrono::Local;
use orderdesk_core::seed::{self, SeedOptions};
use orderdesk_core::{Result, auth, settings};

use crate::types::*;
use crate::{Api, Ctx, Place};

/// Demo orders loaded at first start.
const DEMO_ORDERS: usize = 20_000;

pub fn hello(_api: &Api) -> Result<Hello> {
    Ok(Hello::ours())
}

/// Anyone may ask (the first desk asks before anyone exists); the server
/// does not say where on its disk the file is.
pub fn setup_state(api: &Api) -> Result<SetupState> {
    let db_path = match api.place() {
        Place::ThisPc => api.store().path().display().to_string(),
        Place::Server => String::new(),
    };
    Ok(SetupState {
        empty: auth::is_empty(api.store())?,
        demo: seed::holds_demo_data(api.store())?,
        db_path,
    })
}

/// Refused (`NotEmpty`) once anyone has set the database up.
pub fn load_demo_data(api: &Api) -> Result<SeedReport> {
    let opts = SeedOptions {
        orders: DEMO_ORDERS,
        seed: 1,
        anchor: Local::now().date_naive(),
    };
    let report = seed::seed(api.store(), &opts)?;
    api.events().orders_changed(&[]);
    Ok(report)
}

/// Refused (`AlreadySetUp`) once there is a user.
pub fn create_first_admin(
    api: &Api,
    login: String,
    display_name: String,
    password: String,
) -> Result<LoginReply> {
    auth::create_first_admin(api.store(), &login, &display_name, &password)?;
    self::login(api, login, password)
}

pub fn login(api: &Api, login: String, password: String) -> Result<LoginReply> {
    let (token, session) =
        auth::open_session(api.store(), &login, &password, api.place().client_label())?;
    Ok(LoginReply { token, session })
}

pub fn logout(ctx: &Ctx) -> Result<()> {
    auth::close_session(ctx.store(), ctx.token)
}

pub fn me(ctx: &Ctx) -> Result<Session> {
    Ok(ctx.session.clone())
}

pub fn session_rules(ctx: &Ctx) -> Result<SessionRules> {
    settings::session_rules(ctx.store())
}

pub fn session_rules_set(ctx: &Ctx, rules: SessionRules) -> Result<()> {
    settings::set_session_rules(ctx.store(), &ctx.session, &rules)?;
    ctx.api.events().settings_changed("session_rules");
    Ok(())
}
