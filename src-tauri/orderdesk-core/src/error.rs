//! The one error type of the core, with a kind a program can branch on and a
//! message a person can act on, in Chinese and English.
//!
//! Messages are typed (`Msg`), not strings, so each front end renders them in
//! its user's language. SQL text and `Debug` output never reach a message;
//! they stay in `source` for logs.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::{Lang, Status};

/// What went wrong, as a program sees it; the bridge and the CLI key on this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    NotFound,
    InvalidInput,
    RuleViolation,
    Forbidden,
    Conflict,
    Storage,
    Internal,
    /// The office server cannot be reached, or refuses this desk.
    Unavailable,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 8] = [
        ErrorKind::NotFound,
        ErrorKind::InvalidInput,
        ErrorKind::RuleViolation,
        ErrorKind::Forbidden,
        ErrorKind::Conflict,
        ErrorKind::Storage,
        ErrorKind::Internal,
        ErrorKind::Unavailable,
    ];

    /// The kind a stored `code()` names.
    pub fn from_code(code: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not_found",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::RuleViolation => "rule_violation",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Storage => "storage",
            ErrorKind::Internal => "internal",
            ErrorKind::Unavailable => "unavailable",
        }
    }
}

/// One product that an order needs more of than is available.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Shortfall {
    pub sku: String,
    pub needed: i64,
    pub available: i64,
}

/// Every message the core can give a person. It crosses the wire as data
/// (`{"message_id": "order_not_found", "number": …}`), so a desk or the CLI renders
/// a server's refusal in its own user's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "message_id", rename_all = "snake_case")]
pub enum Msg {
    OrderNotFound {
        number: String,
    },
    UserNotFound {
        login: String,
    },
    DepartmentNotFound {
        name: String,
    },
    ReasonNotFound {
        code: String,
    },
    JobNotFound {
        id: String,
    },
    JobRunning {
        id: String,
    },
    NothingSelected,
    NotEmpty,

    ReasonRequired,
    ReasonRetired {
        code: String,
    },
    TextTooLong {
        field: Cow<'static, str>,
        max: usize,
    },
    NoteRequired,
    BadDate {
        value: String,
    },
    BadNumber {
        value: String,
    },
    BadCursor,
    BadField {
        field: Cow<'static, str>,
        value: String,
    },

    CancelShipped {
        number: String,
    },
    CancelCompleted {
        number: String,
    },
    AlreadyCancelled {
        number: String,
    },
    Frozen {
        number: String,
    },
    ArchivedReadOnly {
        number: String,
    },
    ArchiveNotClosed {
        number: String,
        status: Status,
    },
    ReassignNotAllowed {
        number: String,
        status: Status,
    },
    AlreadyHandles {
        number: String,
        login: String,
    },
    UserInactive {
        login: String,
    },
    NotPending {
        number: String,
    },
    BadTransition {
        number: String,
        from: Status,
        to: Status,
    },
    InsufficientStock {
        sku: String,
        needed: i64,
        available: i64,
    },
    /// Confirming needs more than is available of these products.
    StockShort {
        number: String,
        short: Vec<Shortfall>,
    },
    /// An adjustment would leave less on hand than zero or than is reserved.
    StockBelowReserved {
        sku: String,
        on_hand: i64,
        reserved: i64,
    },
    CustomerNotFound {
        code: String,
    },
    ProductNotFound {
        sku: String,
    },
    CustomerInactive {
        name: String,
    },
    ProductInactive {
        sku: String,
    },
    CustomerInUse {
        code: String,
    },
    NoLines,
    TooManyLines {
        max: usize,
    },
    DraftOnly {
        number: String,
        status: Status,
    },
    Overpayment {
        number: String,
        outstanding: i64,
    },
    FullyPaid {
        number: String,
    },
    /// A quantity, price or total past what the books can hold.
    AmountTooLarge,
    FieldRequired {
        field: Cow<'static, str>,
    },

    ImportUnreadable {
        detail: String,
    },
    ImportEmpty,
    ImportTooLarge {
        max_rows: usize,
    },
    ImportColumnMissing {
        field: Cow<'static, str>,
    },
    ImportDuplicateInFile {
        key: String,
        row: i64,
    },
    ImportDuplicateNumber {
        number: String,
    },
    ImportInconsistentOrder {
        number: String,
        field: Cow<'static, str>,
    },
    ImportStatusNotImportable {
        status: Status,
    },
    ImportNoQueueOrHandler,
    /// Nothing new: a record with this key is already in the database.
    ImportAlreadyThere {
        key: String,
    },

    WrongCredentials,
    /// Wrong, and `left` more wrong attempts lock the account.
    WrongCredentialsTriesLeft {
        left: i64,
        minutes: i64,
    },
    NotLoggedIn,
    AlreadyExists {
        value: String,
    },
    LastAdmin,
    PasswordTooShort {
        min: usize,
    },
    AlreadySetUp,
    AccountLocked {
        /// RFC 3339, UTC: a desk shows it in local time.
        until: String,
        /// Minutes left, rounded up.
        #[serde(default)]
        minutes: i64,
    },
    AccountDisabled {
        login: String,
    },
    NoAccess {
        number: String,
    },
    NotYourOrder {
        number: String,
    },
    WatcherOnly {
        number: String,
    },
    ManagersOnly,
    AdminsOnly,
    OwnRequest {
        number: String,
    },
    OtherDepartment {
        number: String,
    },

    VersionConflict {
        number: String,
        seen: i64,
        current: i64,
        by: String,
        at: String,
    },

    CannotOpen {
        path: String,
    },
    /// A file other than the database (a printed notice, a kept password)
    /// could not be written.
    CannotWrite {
        path: String,
    },
    /// Another program holds the file open and will not let it be replaced
    /// (a workbook open in Excel).
    FileInUse {
        path: String,
    },
    NotADatabase {
        path: String,
    },
    ForeignDatabase {
        path: String,
    },
    NewerSchema {
        path: String,
    },
    Storage,
    Internal,
    DamagedSetting {
        key: String,
    },
    NotBenchFile {
        path: String,
    },
    /// A backup aimed at the live database or one of its side files.
    BackupOntoLive {
        path: String,
    },
    /// A copy (backup, restore source) failed its checks.
    CopyDamaged {
        detail: String,
    },
    NoticeNotFound {
        id: i64,
    },
    /// Only a queued (or retrying) notice can be withdrawn.
    NoticeNotWithdrawable {
        number: String,
        status: String,
    },
    /// Only a failed notice is sent again.
    NoticeNotFailed {
        number: String,
        status: String,
    },
    /// A cancellation notice exists only for a cancelled order.
    NotCancelled {
        number: String,
    },
    /// `security none` sends the password in clear: only to this PC.
    MailPlainOnlyLoopback {
        host: String,
    },
    /// No mail server is set up yet.
    MailNotConfigured,
    /// The rules send this customer no notice for this cancellation.
    NoCustomerNotice,
    /// The message was not sent (refused, no connection, TLS); the answer.
    MailNotSent {
        answer: String,
    },
    /// An encrypted database, and no key for it here.
    EncryptedNoKey {
        path: String,
    },
    /// The key given does not open the database.
    WrongKey {
        path: String,
    },
    /// Text that is not a recovery key (wrong length, a typo).
    BadRecoveryKey,
    AlreadyEncrypted,
    /// The OS keychain (Credential Manager, Keychain, Secret Service) failed.
    KeychainUnavailable {
        detail: String,
    },

    /// The token is unknown, revoked, or belongs to a logged-out session.
    SessionEnded,
    /// An administrator restored the database from a backup: everyone logs in again.
    DatabaseRestored,
    /// Nothing was done for the idle time the administrator set.
    SessionLocked {
        minutes: i64,
    },
    UnknownCommand {
        name: String,
    },
    BadRequest {
        detail: String,
    },
    /// A command that works on the database file itself, not over a server.
    LocalOnly {
        command: String,
    },
    ServerNoAnswer {
        address: String,
    },
    ServerRefused {
        address: String,
    },
    ServerUnreachable {
        address: String,
        detail: String,
    },
    CertificateChanged {
        address: String,
        pinned: String,
        presented: String,
    },
    VersionMismatch {
        desk: String,
        server: String,
    },
    /// The office server publishes no update this desk may install.
    NoServerUpdate,
    /// Downloading, checking or installing the server's update failed.
    UpdateFailed {
        detail: String,
    },
    NotAnOrderDeskServer {
        address: String,
    },
    Disconnected,
    CallInterrupted {
        address: String,
    },
    NotConnected,
    ServerStopping,
}

impl Msg {
    /// The message in one language.
    pub fn text(&self, lang: Lang) -> String {
        let zh = lang == Lang::ZhCn;
        let status = |s: &Status| s.label(lang);
        match self {
            Msg::OrderNotFound { number } if zh => format!("找不到订单 {number}。"),
            Msg::OrderNotFound { number } => format!("Order {number} does not exist."),
            Msg::UserNotFound { login } if zh => format!("找不到用户 {login}。"),
            Msg::UserNotFound { login } => format!("There is no user {login}."),
            Msg::DepartmentNotFound { name } if zh => format!("找不到部门 {name}。"),
            Msg::DepartmentNotFound { name } => format!("There is no department {name}."),
            Msg::ReasonNotFound { code } if zh => {
                format!("取消原因 {code} 不存在；请从原因列表中选择。")
            }
            Msg::ReasonNotFound { code } => format!(
                "There is no cancellation reason \"{code}\"; pick one from the reason list."
            ),
            Msg::JobNotFound { id } if zh => format!("找不到批量任务 {id}。"),
            Msg::JobNotFound { id } => format!("There is no bulk job {id}."),
            Msg::JobRunning { id } if zh => format!("批量任务 {id} 正在运行。"),
            Msg::JobRunning { id } => format!("The bulk job {id} is already running."),
            Msg::NotEmpty if zh => "数据库中已有数据；演示数据只能载入空数据库。".into(),
            Msg::NotEmpty => {
                "The database already holds data; demo data goes only into an empty one.".into()
            }
            Msg::NothingSelected if zh => "没有选中任何订单。".into(),
            Msg::NothingSelected => "No order was selected.".into(),

            Msg::ReasonRequired if zh => "请选择取消原因。".into(),
            Msg::ReasonRequired => "A cancellation needs a reason.".into(),
            Msg::ReasonRetired { code } if zh => {
                format!("取消原因 {code} 已停用，请选择其他原因。")
            }
            Msg::ReasonRetired { code } => {
                format!("The reason \"{code}\" has been retired; pick another one.")
            }
            Msg::TextTooLong { field, max } if zh => {
                format!("{} 太长：最多 {max} 个字符。", field_label(field, lang))
            }
            Msg::TextTooLong { field, max } => format!(
                "The {} is too long: at most {max} characters.",
                field_label(field, lang)
            ),
            Msg::NoteRequired if zh => "请填写说明。".into(),
            Msg::NoteRequired => "Please write a note saying why.".into(),
            Msg::BadDate { value } if zh => {
                format!("“{value}”不是有效日期；请使用 2026-06-30 这样的格式。")
            }
            Msg::BadDate { value } => {
                format!("\"{value}\" is not a date; write it like 2026-06-30.")
            }
            Msg::BadNumber { value } if zh => format!("“{value}”不是有效的数字。"),
            Msg::BadNumber { value } => format!("\"{value}\" is not a valid number."),
            Msg::BadCursor if zh => "翻页位置无效，请重新搜索。".into(),
            Msg::BadCursor => "The page cursor is not valid; search again.".into(),
            Msg::BadField { field, value } if zh => {
                format!("{}“{value}”无效。", field_label(field, lang))
            }
            Msg::BadField { field, value } => {
                format!("\"{value}\" is not a valid {}.", field_label(field, lang))
            }

            Msg::CancelShipped { number } if zh => {
                format!("{number} 已发货，货物已离开仓库，不能取消；请改为创建退货。")
            }
            Msg::CancelShipped { number } => format!(
                "{number} has been shipped; a shipped order cannot be cancelled — create a return instead."
            ),
            Msg::CancelCompleted { number } if zh => {
                format!("{number} 已完成，不能取消；请改为创建退货。")
            }
            Msg::CancelCompleted { number } => format!(
                "{number} is completed; a completed order cannot be cancelled — create a return instead."
            ),
            Msg::AlreadyCancelled { number } if zh => {
                format!("{number} 已取消，取消是最终状态；如需恢复，请复制为新订单。")
            }
            Msg::AlreadyCancelled { number } => format!(
                "{number} is already cancelled, which is final; copy it as a new order to start again."
            ),
            Msg::Frozen { number } if zh => {
                format!("{number} 的取消申请正在等待审批，订单已冻结。")
            }
            Msg::Frozen { number } => {
                format!("{number} is frozen while its cancellation waits for a manager's approval.")
            }
            Msg::ArchivedReadOnly { number } if zh => {
                format!("{number} 已归档，只读；如需继续处理，请复制为新订单。")
            }
            Msg::ArchivedReadOnly { number } => format!(
                "{number} is archived and read-only; use \"copy as new order\" to work on it again."
            ),
            Msg::ArchiveNotClosed { number, status: s } if zh => {
                format!(
                    "{number} 当前为“{}”，只有已完成或已取消的订单可以归档。",
                    status(s)
                )
            }
            Msg::ArchiveNotClosed { number, status: s } => format!(
                "{number} is {}; only completed or cancelled orders can be archived.",
                status(s)
            ),
            Msg::ReassignNotAllowed { number, status: s } if zh => {
                format!("{number} 当前为“{}”，不能重新分配。", status(s))
            }
            Msg::ReassignNotAllowed { number, status: s } => format!(
                "{number} is {}; only orders still being worked on can be reassigned.",
                status(s)
            ),
            Msg::AlreadyHandles { number, login } if zh => {
                format!("{number} 已由 {login} 处理。")
            }
            Msg::AlreadyHandles { number, login } => {
                format!("{number} is already handled by {login}.")
            }
            Msg::UserInactive { login } if zh => format!("用户 {login} 已停用。"),
            Msg::UserInactive { login } => format!("User {login} is disabled."),
            Msg::NotPending { number } if zh => format!("{number} 没有待审批的取消申请。"),
            Msg::NotPending { number } => {
                format!("{number} has no cancellation waiting for approval.")
            }
            Msg::BadTransition { number, from, to } if zh => {
                format!("{number} 不能从“{}”变为“{}”。", status(from), status(to))
            }
            Msg::BadTransition { number, from, to } => format!(
                "{number} cannot go from {} to {}.",
                status(from),
                status(to)
            ),
            Msg::InsufficientStock {
                sku,
                needed,
                available,
            } if zh => format!("{sku} 库存不足：需要 {needed}，可用 {available}。"),
            Msg::InsufficientStock {
                sku,
                needed,
                available,
            } => format!("Not enough {sku} in stock: {needed} needed, {available} available."),
            Msg::StockShort { number, short } if zh => format!(
                "{number} 库存不足，不能确认：{}。",
                short
                    .iter()
                    .map(|x| format!("{} 需要 {}，可用 {}", x.sku, x.needed, x.available))
                    .collect::<Vec<_>>()
                    .join("；")
            ),
            Msg::StockShort { number, short } => format!(
                "{number} cannot be confirmed, not enough stock: {}.",
                short
                    .iter()
                    .map(|x| format!("{} needs {}, {} available", x.sku, x.needed, x.available))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            Msg::StockBelowReserved {
                sku,
                on_hand,
                reserved,
            } if zh => format!(
                "{sku} 调整后库存为 {on_hand}，少于已预留的 {reserved}（或小于零）；请先处理预留该产品的订单。"
            ),
            Msg::StockBelowReserved {
                sku,
                on_hand,
                reserved,
            } => format!(
                "{sku} would have {on_hand} on hand, below zero or the {reserved} reserved for open orders; deal with those orders first."
            ),
            Msg::CustomerNotFound { code } if zh => format!("找不到客户编码 {code}。"),
            Msg::CustomerNotFound { code } => format!("There is no customer with code {code}."),
            Msg::ProductNotFound { sku } if zh => format!("找不到产品 {sku}。"),
            Msg::ProductNotFound { sku } => format!("There is no product with SKU {sku}."),
            Msg::CustomerInactive { name } if zh => {
                format!("客户 {name} 已停用；请先启用，或选择其他客户。")
            }
            Msg::CustomerInactive { name } => format!(
                "The customer {name} is deactivated; activate them first or pick another customer."
            ),
            Msg::ProductInactive { sku } if zh => format!("产品 {sku} 已停用，不能下单。"),
            Msg::ProductInactive { sku } => {
                format!("The product {sku} is deactivated and cannot be ordered.")
            }
            Msg::CustomerInUse { code } if zh => {
                format!("客户 {code} 已有订单或通知，不能删除；可以停用。")
            }
            Msg::CustomerInUse { code } => format!(
                "The customer {code} has orders or notices and cannot be deleted; deactivate them instead."
            ),
            Msg::NoLines if zh => "订单至少需要一行产品。".into(),
            Msg::NoLines => "An order needs at least one line.".into(),
            Msg::TooManyLines { max } if zh => format!("一张订单最多 {max} 行。"),
            Msg::TooManyLines { max } => format!("An order has at most {max} lines."),
            Msg::DraftOnly { number, status: st } if zh => format!(
                "{number} 当前为“{}”，只有草稿可以修改；如需修改，请取消后复制为新订单。",
                status(st)
            ),
            Msg::DraftOnly { number, status: st } => format!(
                "{number} is {}; only a draft can be edited. Cancel it and copy it as a new order to change it.",
                status(st)
            ),
            Msg::Overpayment {
                number,
                outstanding,
            } if zh => format!(
                "{number} 尚欠 {}，收款不能超过这个金额。",
                crate::domain::Money(*outstanding).format("CNY")
            ),
            Msg::Overpayment {
                number,
                outstanding,
            } => format!(
                "{number} has {} outstanding; a payment cannot be more than that.",
                crate::domain::Money(*outstanding).format("CNY")
            ),
            Msg::FullyPaid { number } if zh => format!("{number} 已全额收款。"),
            Msg::FullyPaid { number } => format!("{number} is paid in full."),
            Msg::AmountTooLarge if zh => "数量或金额太大，超出了可记账的范围。".into(),
            Msg::AmountTooLarge => "The quantity or amount is too large to be booked.".into(),
            Msg::FieldRequired { field } if zh => format!("请填写{}。", field_label(field, lang)),
            Msg::FieldRequired { field } => format!("The {} is required.", field_label(field, lang)),

            Msg::ImportUnreadable { detail } if zh => {
                format!("无法读取文件：{detail}。请用 CSV（UTF-8 或 GBK）或 XLSX。")
            }
            Msg::ImportUnreadable { detail } => {
                format!("The file cannot be read ({detail}); use CSV (UTF-8 or GBK) or XLSX.")
            }
            Msg::ImportEmpty if zh => "文件中没有数据行。".into(),
            Msg::ImportEmpty => "The file holds no rows of data.".into(),
            Msg::ImportTooLarge { max_rows } if zh => {
                format!("文件太大：一次最多导入 {max_rows} 行；请分成几个文件。")
            }
            Msg::ImportTooLarge { max_rows } => format!(
                "The file is too large: at most {max_rows} rows at a time; split it into several files."
            ),
            Msg::ImportColumnMissing { field } if zh => format!(
                "找不到“{}”列；请在列对应中指定。",
                field_label(field, lang)
            ),
            Msg::ImportColumnMissing { field } => format!(
                "No column holds the {}; choose it in the column mapping.",
                field_label(field, lang)
            ),
            Msg::ImportDuplicateInFile { key, row } if zh => {
                format!("{key} 在文件中重复出现（第一次在第 {row} 行）。")
            }
            Msg::ImportDuplicateInFile { key, row } => {
                format!("{key} appears twice in the file (first on row {row}).")
            }
            Msg::ImportDuplicateNumber { number } if zh => {
                format!("订单号 {number} 已被另一张订单使用。")
            }
            Msg::ImportDuplicateNumber { number } => {
                format!("The order number {number} is already taken by another order.")
            }
            Msg::ImportInconsistentOrder { number, field } if zh => format!(
                "订单 {number} 的各行{}不一致。",
                field_label(field, lang)
            ),
            Msg::ImportInconsistentOrder { number, field } => format!(
                "The rows of order {number} disagree on the {}.",
                field_label(field, lang)
            ),
            Msg::ImportStatusNotImportable { status: st } if zh => format!(
                "不能以“{}”状态导入；请以已完成或已取消导入，之后再归档或申请取消。",
                status(st)
            ),
            Msg::ImportStatusNotImportable { status: st } => format!(
                "Orders cannot be imported as {}; import them as completed or cancelled, then archive or request the cancellation.",
                status(st)
            ),
            Msg::ImportNoQueueOrHandler if zh => "请填写处理人（登录名）或部门。".into(),
            Msg::ImportNoQueueOrHandler => {
                "Name a handler (login) or a department for the order.".into()
            }
            Msg::ImportAlreadyThere { key } if zh => format!("{key} 已存在，未做改动。"),
            Msg::ImportAlreadyThere { key } => format!("{key} is already there; nothing changed."),

            Msg::AlreadyExists { value } if zh => format!("“{value}”已存在。"),
            Msg::AlreadyExists { value } => format!("\"{value}\" already exists."),
            Msg::LastAdmin if zh => "至少需要保留一位启用的管理员。".into(),
            Msg::LastAdmin => "At least one active administrator must remain.".into(),
            Msg::NotLoggedIn if zh => "请先登录。".into(),
            Msg::NotLoggedIn => "Please log in first.".into(),
            Msg::PasswordTooShort { min } if zh => format!("密码至少需要 {min} 个字符。"),
            Msg::PasswordTooShort { min } => format!("A password needs at least {min} characters."),
            Msg::AlreadySetUp if zh => "已有用户，无法再次初始化。".into(),
            Msg::AlreadySetUp => "This database already has users; it is set up.".into(),
            Msg::WrongCredentials if zh => "用户名或密码错误。".into(),
            Msg::WrongCredentials => "Wrong login or password.".into(),
            Msg::AccountLocked { until, minutes } if zh => format!(
                "登录失败次数过多，账户已锁定，约 {minutes} 分钟后（{}）可再试；如需立即使用，请联系管理员解锁。",
                utc_clock(until)
            ),
            Msg::AccountLocked { until, minutes } => format!(
                "Too many failed logins: the account is locked for about {minutes} more minutes (until {}). Ask your administrator to unlock it if you need it now.",
                utc_clock(until)
            ),
            Msg::WrongCredentialsTriesLeft { left, minutes } if zh => format!(
                "用户名或密码错误。再错 {left} 次，账户将被锁定 {minutes} 分钟。"
            ),
            Msg::WrongCredentialsTriesLeft { left, minutes } => format!(
                "Wrong login or password. {left} more wrong {} lock the account for {minutes} minutes.",
                if *left == 1 { "attempt" } else { "attempts" }
            ),
            Msg::AccountDisabled { login } if zh => format!("账户 {login} 已停用。"),
            Msg::AccountDisabled { login } => format!("The account {login} is disabled."),
            Msg::NoAccess { number } if zh => format!("您无权查看 {number}。"),
            Msg::NoAccess { number } => format!("You may not see {number}."),
            Msg::NotYourOrder { number } if zh => {
                format!("{number} 不是由您处理的订单；请联系其处理人或部门主管。")
            }
            Msg::NotYourOrder { number } => {
                format!("You do not handle {number}; ask its handler or the department manager.")
            }
            Msg::WatcherOnly { number } if zh => {
                format!("您已将 {number} 转交他人，只能查看其进展，不能修改。")
            }
            Msg::WatcherOnly { number } => {
                format!("You handed {number} off: you can follow it, but not change it.")
            }
            Msg::ManagersOnly if zh => "只有主管或管理员可以执行此操作。".into(),
            Msg::ManagersOnly => "Only a manager or an administrator may do this.".into(),
            Msg::OwnRequest { number } if zh => {
                format!("{number} 的取消申请是您本人提出的，需由另一位主管审批。")
            }
            Msg::OwnRequest { number } => {
                format!("You asked to cancel {number} yourself; another manager must decide.")
            }
            Msg::AdminsOnly if zh => "只有管理员可以执行此操作。".into(),
            Msg::AdminsOnly => "Only an administrator may do this.".into(),
            Msg::OtherDepartment { number } if zh => {
                format!("{number} 属于其他部门，您无权处理。")
            }
            Msg::OtherDepartment { number } => {
                format!("{number} belongs to another department.")
            }

            Msg::VersionConflict {
                number,
                seen,
                current,
                by,
                at,
            } if zh => format!(
                "{number} 在您打开后已被 {by} 于 {at} 修改（版本 {seen} → {current}）；请刷新后重试。"
            ),
            Msg::VersionConflict {
                number,
                seen,
                current,
                by,
                at,
            } => format!(
                "{number} was changed by {by} at {at} after you opened it (version {seen} → {current}); reload it and try again."
            ),

            Msg::CannotOpen { path } if zh => format!("无法打开数据库文件 {path}。"),
            Msg::CannotOpen { path } => format!("The database file {path} cannot be opened."),
            Msg::CannotWrite { path } if zh => format!("无法写入文件 {path}，请检查文件夹是否存在、是否可写。"),
            Msg::CannotWrite { path } => {
                format!("The file {path} cannot be written; check that its folder exists and may be written to.")
            }
            Msg::FileInUse { path } if zh => {
                format!("文件 {path} 正在被其他程序使用：请关闭它后重试。")
            }
            Msg::FileInUse { path } => {
                format!("The file {path} is open in another program: close it and try again.")
            }
            Msg::NotADatabase { path } if zh => {
                format!("{path} 不是 SQLite 数据库或已损坏；文件未被修改。")
            }
            Msg::NotADatabase { path } => format!(
                "{path} is not an SQLite database, or it is damaged; it was left unchanged."
            ),
            Msg::ForeignDatabase { path } if zh => {
                format!("{path} 是其他程序的数据库，不是 OrderDesk 数据库；文件未被修改。")
            }
            Msg::ForeignDatabase { path } => {
                format!("{path} belongs to another program, not OrderDesk; it was left unchanged.")
            }
            Msg::NewerSchema { path } if zh => {
                format!("{path} 由更新版本的 OrderDesk 创建；请升级本程序。")
            }
            Msg::NewerSchema { path } => {
                format!("{path} was written by a newer OrderDesk; update this program to open it.")
            }
            Msg::Storage if zh => "数据库读写失败，操作未生效；请稍后重试。".into(),
            Msg::Storage => {
                "The database could not be read or written; nothing was changed. Try again.".into()
            }
            Msg::Internal if zh => "程序内部错误，操作未生效。".into(),
            Msg::Internal => "Something went wrong inside OrderDesk; nothing was changed.".into(),

            Msg::DamagedSetting { key } if zh => {
                format!("设置“{key}”已损坏，无法读取；操作未执行。请管理员在设置中重新保存该项。")
            }
            Msg::DamagedSetting { key } => format!(
                "The setting \"{key}\" is damaged and cannot be read; nothing was done. An administrator should save it again in Settings."
            ),
            Msg::NotBenchFile { path } if zh => format!(
                "{path} 不是基准测试自己创建的文件，未做任何改动（基准测试会修改所用的数据库）。请给一个尚不存在的路径，或不写 --db 以使用临时文件。"
            ),
            Msg::NotBenchFile { path } => format!(
                "{path} is not a file this benchmark made, so it was left alone (the benchmark changes the database it runs on). Give a path that does not exist yet, or leave --db out to use a temporary file."
            ),
            Msg::NoticeNotFound { id } if zh => format!("找不到客户通知 #{id}。"),
            Msg::NoticeNotFound { id } => format!("There is no customer notice #{id}."),
            Msg::NoticeNotWithdrawable { number, status } if zh => format!(
                "{number} 的客户通知当前为“{}”，只有尚未发出的通知（排队中或等待重试）才能撤回。",
                crate::outbox::state_label(status, Lang::ZhCn)
            ),
            Msg::NoticeNotWithdrawable { number, status } => format!(
                "The customer notice of {number} is {}; only one that has not gone out (queued or waiting to retry) can be withdrawn.",
                crate::outbox::state_label(status, Lang::En)
            ),
            Msg::NoticeNotFailed { number, status } if zh => format!(
                "{number} 的客户通知当前为“{}”，只有发送失败的通知才能重新发送。",
                crate::outbox::state_label(status, Lang::ZhCn)
            ),
            Msg::NoticeNotFailed { number, status } => format!(
                "The customer notice of {number} is {}; only a failed one is sent again.",
                crate::outbox::state_label(status, Lang::En)
            ),
            Msg::NotCancelled { number } if zh => {
                format!("{number} 未被取消，没有取消通知可打印。")
            }
            Msg::NotCancelled { number } => {
                format!("{number} is not cancelled, so it has no cancellation notice to print.")
            }
            Msg::MailPlainOnlyLoopback { host } if zh => format!(
                "不加密（none）只能用于本机上的邮件服务器；{host} 请选择 SSL（端口 465）或 STARTTLS（端口 587）。设置未保存。"
            ),
            Msg::MailPlainOnlyLoopback { host } => format!(
                "No encryption (none) is only for a mail server on this PC; for {host} choose SSL (port 465) or STARTTLS (port 587). Nothing was saved."
            ),
            Msg::MailNotConfigured if zh => {
                "尚未设置邮件服务器：请管理员在“设置 → 邮件”中填写。通知会在队列中等待。".into()
            }
            Msg::MailNotConfigured => {
                "No mail server is set up yet: an administrator fills it in under Settings → Email. Notices wait in the queue.".into()
            }
            Msg::NoCustomerNotice if zh => {
                "按当前通知规则，这次取消不会给客户发送通知。".into()
            }
            Msg::NoCustomerNotice => {
                "The notification rules send the customer no notice for this cancellation.".into()
            }
            Msg::MailNotSent { answer } if zh => {
                format!("邮件未能发出：{answer}")
            }
            Msg::MailNotSent { answer } => {
                format!("The message was not sent: {answer}")
            }
            Msg::EncryptedNoKey { path } if zh => format!(
                "{path} 无法在本机打开：它要么已加密而本机没有它的密钥（请在保存密钥的电脑上打开，或由管理员输入纸上的恢复密钥），要么根本不是 SQLite 数据库。文件未被修改。"
            ),
            Msg::EncryptedNoKey { path } => format!(
                "{path} does not open on this PC: either it is encrypted and this PC does not have its key (open it on the PC that keeps its key, or have an administrator enter the recovery key from paper), or it is not an SQLite database at all. It was left unchanged."
            ),
            Msg::WrongKey { path } if zh => {
                format!("该密钥打不开 {path}：请核对恢复密钥是否属于这个数据库。文件未被修改。")
            }
            Msg::WrongKey { path } => format!(
                "That key does not open {path}: check that the recovery key belongs to this database. The file was left unchanged."
            ),
            Msg::BadRecoveryKey if zh => {
                "这不是有效的恢复密钥：恢复密钥由 55 个字母和数字组成，每五个一组；请检查是否抄错。".into()
            }
            Msg::BadRecoveryKey => "That is not a recovery key: it has 55 letters and digits in groups of five; check for a typo.".into(),
            Msg::AlreadyEncrypted if zh => "数据库已经加密。".into(),
            Msg::AlreadyEncrypted => "The database is already encrypted.".into(),
            Msg::KeychainUnavailable { detail } if zh => {
                format!("无法使用系统钥匙串保存或读取数据库密钥（{detail}）；未做任何更改。")
            }
            Msg::KeychainUnavailable { detail } => format!(
                "The system keychain cannot keep or give the database key ({detail}); nothing was changed."
            ),
            Msg::SessionEnded if zh => "您的登录已失效，请重新登录。".into(),
            Msg::SessionEnded => "Your session has ended; please log in again.".into(),
            Msg::SessionLocked { minutes } if zh => {
                format!("已有 {minutes} 分钟无操作，窗口已锁定；请输入密码继续。")
            }
            Msg::SessionLocked { minutes } => format!(
                "Nothing was done for {minutes} minutes, so the window locked; enter your password to go on."
            ),
            Msg::UnknownCommand { name } if zh => format!("服务器不认识命令 {name}。"),
            Msg::UnknownCommand { name } => format!("The server does not know the command {name}."),
            Msg::BadRequest { detail } if zh => format!("请求无效：{detail}"),
            Msg::BadRequest { detail } => format!("The request is not valid: {detail}"),
            Msg::LocalOnly { command } if zh => format!(
                "{command} 直接操作数据库文件，只能在服务器所在的电脑上用 --db 运行，不能通过 --server。"
            ),
            Msg::LocalOnly { command } => format!(
                "{command} works on the database file itself: run it with --db on the server's PC, not over --server."
            ),
            Msg::ServerNoAnswer { address } if zh => format!(
                "办公室服务器 {address} 没有应答：服务器电脑可能已休眠或关机，或防火墙挡住了端口。"
            ),
            Msg::ServerNoAnswer { address } => format!(
                "The office server {address} does not answer: its PC may be asleep or off, or a firewall blocks the port."
            ),
            Msg::ServerRefused { address } if zh => format!(
                "办公室服务器 {address} 拒绝连接：那台电脑开着，但 OrderDesk 服务没有运行。"
            ),
            Msg::ServerRefused { address } => format!(
                "The office server {address} refused the connection: the PC is on, but the OrderDesk service is not running."
            ),
            Msg::ServerUnreachable { address, detail } if zh => {
                format!("无法连接办公室服务器 {address}：{detail}")
            }
            Msg::ServerUnreachable { address, detail } => {
                format!("Cannot reach the office server {address}: {detail}")
            }
            Msg::CertificateChanged {
                address,
                pinned,
                presented,
            } if zh => format!(
                "警告：{address} 的证书已变更（原指纹 {}…，现为 {}…）。可能有人冒充服务器，本机拒绝连接。请与服务器管理员核对指纹；确认服务器确实更换了证书后，再在“连接”中重新连接。",
                short(pinned),
                short(presented)
            ),
            Msg::CertificateChanged {
                address,
                pinned,
                presented,
            } => format!(
                "Warning: the certificate of {address} has changed (pinned {}…, now {}…). Someone may be posing as the server, so this desk refuses to connect. Compare the fingerprint with whoever runs the server; only if they really replaced the certificate, connect again under \"Connection\".",
                short(pinned),
                short(presented)
            ),
            Msg::VersionMismatch { desk, server } if zh => format!(
                "版本不一致：本机 OrderDesk 为 {desk}，办公室服务器为 {server}。请把两者更新到同一版本。"
            ),
            Msg::VersionMismatch { desk, server } => format!(
                "Versions differ: this desk runs OrderDesk {desk}, the office server {server}. Update both to the same version."
            ),
            Msg::NoServerUpdate if zh => {
                "办公室服务器没有提供本机可安装的版本。请服务器管理员用 orderdesk-server publish-update 发布。".into()
            }
            Msg::NoServerUpdate => "The office server offers no version this desk can install. The server's administrator publishes one with orderdesk-server publish-update.".into(),
            Msg::UpdateFailed { detail } if zh => format!("更新未能安装：{detail}。本机仍为当前版本。"),
            Msg::UpdateFailed { detail } => {
                format!("The update could not be installed: {detail}. This desk keeps its current version.")
            }
            Msg::NotAnOrderDeskServer { address } if zh => {
                format!("{address} 上运行的不是 OrderDesk 办公室服务器。")
            }
            Msg::NotAnOrderDeskServer { address } => {
                format!("{address} answers, but it is not an OrderDesk office server.")
            }
            Msg::Disconnected if zh => {
                "与办公室服务器的连接已断开，正在重新连接；恢复前不能修改数据。".into()
            }
            Msg::Disconnected => "The connection to the office server was lost; reconnecting. Nothing can be changed until it is back.".into(),
            Msg::CallInterrupted { address } if zh => format!(
                "与办公室服务器 {address} 的连接在操作进行中断开。该操作要么已完整完成，要么完全没有执行；连接恢复后请查看订单确认。"
            ),
            Msg::CallInterrupted { address } => format!(
                "The connection to the office server {address} broke during this action. It was either done whole or not at all; check the order once the connection is back."
            ),
            Msg::NotConnected if zh => "本机尚未连接办公室服务器。".into(),
            Msg::NotConnected => "This desk is not connected to an office server.".into(),
            Msg::DatabaseRestored if zh => {
                "管理员已从备份恢复数据库，请重新登录。".into()
            }
            Msg::DatabaseRestored => {
                "An administrator restored the database from a backup; please log in again.".into()
            }
            Msg::BackupOntoLive { path } if zh => {
                format!("{path} 就是正在使用的数据库（或其附属文件），不能作为备份目标；请选择其他文件。")
            }
            Msg::BackupOntoLive { path } => format!(
                "{path} is the database in use (or one of its side files); choose another file for the backup."
            ),
            Msg::CopyDamaged { .. } if zh => {
                "副本未通过完整性检查或审计链校验，未使用；原有文件保持不变。".into()
            }
            Msg::CopyDamaged { .. } => {
                "The copy failed its integrity or audit-chain check and was not used; the previous file is unchanged.".into()
            }
            Msg::ServerStopping if zh => "办公室服务器正在关闭，操作未执行；请稍后重试。".into(),
            Msg::ServerStopping => {
                "The office server is shutting down; nothing was done. Try again shortly.".into()
            }
        }
    }
}

/// The first characters of a fingerprint, enough to compare by eye.
fn short(fingerprint: &str) -> &str {
    fingerprint.get(..16).unwrap_or(fingerprint)
}

/// "2026-11-29T10:05:00Z" → "10:05 UTC" (a desk shows local time itself).
fn utc_clock(stamp: &str) -> String {
    match stamp.get(11..16) {
        Some(hm) => format!("{hm} UTC"),
        None => stamp.to_string(),
    }
}

fn field_label(field: &str, lang: Lang) -> &str {
    let (zh, en) = match field {
        "note" => ("说明", "note"),
        "reason" => ("原因", "reason"),
        "login" => ("登录名", "login"),
        "password" => ("密码", "password"),
        "status" => ("状态", "status"),
        "limit" => ("条数", "limit"),
        "amount" => ("金额", "amount"),
        "name" => ("名称", "name"),
        "role" => ("角色", "role"),
        "search" => ("搜索内容", "search text"),
        "minutes" => ("分钟数", "number of minutes"),
        "address" => ("服务器地址", "server address"),
        "code" => ("编码", "code"),
        "customer" => ("客户", "customer"),
        "customer_code" => ("客户编码", "customer code"),
        "email" => ("邮箱", "email"),
        "sku" => ("SKU", "SKU"),
        "quantity" => ("数量", "quantity"),
        "unit_price" => ("单价", "unit price"),
        "on_hand" => ("库存", "stock on hand"),
        "number" => ("订单号", "order number"),
        "order_date" => ("下单日期", "order date"),
        "handler" => ("处理人", "handler"),
        "department" => ("部门", "department"),
        "language" => ("语言", "language"),
        "name_zh" => ("中文名称", "Chinese name"),
        "name_en" => ("英文名称", "English name"),
        "unit" => ("单位", "unit"),
        "notes" => ("备注", "notes"),
        "paid" => ("已付金额", "amount paid"),
        "contact" => ("联系人", "contact"),
        "phone" => ("电话", "phone"),
        other => (other, other),
    };
    lang.pick(zh, en)
}

/// The core's error: a kind, a typed message, and for logs the cause.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    msg: Msg,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, msg: Msg) -> Error {
        Error {
            kind,
            msg,
            source: None,
        }
    }

    /// An error whose cause is kept for the log, never shown.
    pub fn with_source(
        kind: ErrorKind,
        msg: Msg,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Error {
        Error {
            kind,
            msg,
            source: Some(source.into()),
        }
    }

    pub fn not_found(msg: Msg) -> Error {
        Error::new(ErrorKind::NotFound, msg)
    }
    pub fn invalid(msg: Msg) -> Error {
        Error::new(ErrorKind::InvalidInput, msg)
    }
    pub fn rule(msg: Msg) -> Error {
        Error::new(ErrorKind::RuleViolation, msg)
    }
    pub fn forbidden(msg: Msg) -> Error {
        Error::new(ErrorKind::Forbidden, msg)
    }
    pub fn conflict(msg: Msg) -> Error {
        Error::new(ErrorKind::Conflict, msg)
    }
    pub fn internal(detail: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Internal,
            msg: Msg::Internal,
            source: Some(detail.into().into()),
        }
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    pub fn msg(&self) -> &Msg {
        &self.msg
    }
    /// The message for a person, in their language.
    pub fn message(&self, lang: Lang) -> String {
        self.msg.text(lang)
    }
    /// Details for a log file: the message and, if any, the underlying cause.
    pub fn log_detail(&self) -> String {
        match &self.source {
            Some(source) => format!("{}: {source}", self.msg.text(Lang::En)),
            None => self.msg.text(Lang::En),
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }
    pub fn is_conflict(&self) -> bool {
        self.kind == ErrorKind::Conflict
    }
    pub fn is_forbidden(&self) -> bool {
        self.kind == ErrorKind::Forbidden
    }
    pub fn is_rule_violation(&self) -> bool {
        self.kind == ErrorKind::RuleViolation
    }
    pub fn is_invalid_input(&self) -> bool {
        self.kind == ErrorKind::InvalidInput
    }
    pub fn is_unavailable(&self) -> bool {
        self.kind == ErrorKind::Unavailable
    }
    /// The session is gone or locked: the person must log in (again).
    pub fn needs_login(&self) -> bool {
        matches!(
            self.msg,
            Msg::SessionEnded | Msg::SessionLocked { .. } | Msg::DatabaseRestored
        )
    }
}

/// An error as it crosses the office server's wire: the kind, the typed
/// message (rendered by the receiver in its user's language), and for
/// clients that do not read `msg`, the text in the language asked for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WireError {
    pub kind: ErrorKind,
    pub msg: Msg,
    pub message: String,
}

impl WireError {
    pub fn new(e: &Error, lang: Lang) -> WireError {
        WireError {
            kind: e.kind,
            msg: e.msg.clone(),
            message: e.message(lang),
        }
    }
}

impl From<WireError> for Error {
    fn from(w: WireError) -> Error {
        Error::new(w.kind, w.msg)
    }
}

/// An error as data, in both languages: for previews and bulk results that
/// list refusals instead of failing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Problem {
    pub kind: ErrorKind,
    pub message_zh: String,
    pub message_en: String,
}

impl Error {
    pub fn problem(&self) -> Problem {
        Problem {
            kind: self.kind,
            message_zh: self.message(Lang::ZhCn),
            message_en: self.message(Lang::En),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg.text(Lang::En))
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        Error {
            kind: ErrorKind::Storage,
            msg: Msg::Storage,
            source: Some(Box::new(e)),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        Error {
            kind: ErrorKind::Internal,
            msg: Msg::Internal,
            source: Some(Box::new(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_message_tells_what_to_do_in_both_languages() {
        let e = Error::rule(Msg::CancelShipped {
            number: "SO-2026-000123".into(),
        });
        assert_eq!(e.kind().code(), "rule_violation");
        assert!(e.message(Lang::En).contains("create a return instead"));
        assert!(e.message(Lang::ZhCn).contains("退货"));
    }

    #[test]
    fn kinds_round_trip_through_their_codes() {
        for kind in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(ErrorKind::from_code("usage"), None);
    }

    #[test]
    fn a_message_crosses_the_wire_as_data_and_renders_on_the_other_side() {
        let e = Error::rule(Msg::CancelShipped {
            number: "SO-2026-000123".into(),
        });
        let wire = serde_json::to_value(WireError::new(&e, Lang::En)).expect("json");
        assert_eq!(wire["kind"], "rule_violation");
        assert_eq!(wire["msg"]["message_id"], "cancel_shipped");
        assert_eq!(wire["msg"]["number"], "SO-2026-000123");
        let back: Error = serde_json::from_value::<WireError>(wire)
            .expect("read back")
            .into();
        assert_eq!(back.kind(), ErrorKind::RuleViolation);
        assert!(back.message(Lang::ZhCn).contains("退货"));
        let field = Error::invalid(Msg::BadField {
            field: "status".into(),
            value: "x".into(),
        });
        let json = serde_json::to_string(&WireError::new(&field, Lang::ZhCn)).expect("json");
        let back: Error = serde_json::from_str::<WireError>(&json)
            .expect("back")
            .into();
        assert_eq!(back.message(Lang::En), field.message(Lang::En));
    }

    #[test]
    fn storage_errors_hide_sql_from_the_message() {
        let e: Error = rusqlite::Error::InvalidQuery.into();
        assert_eq!(e.kind(), ErrorKind::Storage);
        assert!(!e.message(Lang::En).contains("Query"));
        assert!(e.log_detail().contains("Query"));
    }
}
