// The one door to the backend: only this folder imports @tauri-apps/api.
// Commands come from the generated bindings; this file turns their
// `Result` into a value or a thrown `ApiError`, and exposes the events.
import { getCurrentWindow } from "@tauri-apps/api/window";
import { commands, events } from "./bindings";
import type {
  ApprovalRules,
  BridgeError,
  Company,
  MailSettings,
  OutboxFilter,
  CancelRequest,
  CustomerInput,
  CustomerTemplates,
  DraftOrder,
  FieldColumn,
  ImportKind,
  ProductInput,
  StockChange,
  Dimension,
  Format,
  NewUser,
  NotificationRules,
  Reason,
  ReportFilter,
  RestoreChoice,
  SessionRules,
  Template,
  UserChange,
  DepartmentId,
  ErrorKind,
  JobKind,
  Lang,
  SearchQuery,
  Selection,
  Step,
  Target,
} from "./bindings";

export type * from "./bindings";

/** A refusal or failure from the backend, already in the user's language.
 * `id` is the core's message id (`session_locked`, `cancel_shipped`, …). */
export class ApiError extends Error {
  readonly kind: ErrorKind;
  readonly id: string;
  /** The core's message as data (its fields by name), for the UI to act on. */
  readonly details: Record<string, unknown>;
  constructor(e: BridgeError) {
    super(e.message);
    this.kind = e.kind;
    const details = (e.details ?? {}) as Record<string, unknown>;
    this.details = details;
    this.id = typeof details.message_id === "string" ? details.message_id : "";
  }
}

/** Errors that mean the session is over: the window asks for the password. */
const SESSION_OVER = new Set(["session_locked", "session_ended", "account_disabled"]);
type SessionListener = (e: { id: string; message: string }) => void;
const sessionListeners = new Set<SessionListener>();

/** Called whenever a call finds the session over (locked, ended, disabled). */
export function onSessionOver(cb: SessionListener): () => void {
  sessionListeners.add(cb);
  return () => sessionListeners.delete(cb);
}

function sessionOver(id: string, message: string) {
  for (const cb of sessionListeners) cb({ id, message });
}

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: BridgeError };

async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  const started = performance.now();
  const r = await call;
  recordIpc(performance.now() - started);
  if (r.status === "error") {
    const e = new ApiError(r.error);
    if (SESSION_OVER.has(e.id)) sessionOver(e.id, e.message);
    throw e;
  }
  return r.data;
}

/** Bridge round trips (ms), kept with the UI timings for the perf run. */
function recordIpc(ms: number) {
  const w = window as unknown as { __odTimings?: Record<string, number[]> };
  const all = (w.__odTimings ??= {});
  (all.ipc ??= []).push(ms);
}

export const api = {
  setupStatus: () => unwrap(commands.setupStatus()),
  loadDemoData: () => unwrap(commands.loadDemoData()),
  createFirstAdmin: (login: string, name: string, password: string) =>
    unwrap(commands.createFirstAdmin(login, name, password)),
  login: (login: string, password: string) => unwrap(commands.login(login, password)),
  logout: () => unwrap(commands.logout()),
  lockSession: () => unwrap(commands.lockSession()),
  me: () => unwrap(commands.me()),
  sessionRules: () => unwrap(commands.sessionRules()),
  setSessionRules: (rules: SessionRules) => unwrap(commands.sessionRulesSet(rules)),

  connectionStatus: () => commands.connectionStatus(),
  discoverServers: () => unwrap(commands.discoverServers()),
  probeServer: (address: string) => unwrap(commands.probeServer(address)),
  connectServer: (address: string, fingerprint: string) => unwrap(commands.connectServer(address, fingerprint)),
  useThisPc: () => unwrap(commands.useThisPc()),
  serverUpdate: () => unwrap(commands.serverUpdate()),
  installServerUpdate: () => unwrap(commands.installServerUpdate()),
  setLanguage: (lang: Lang) => commands.setLanguage(lang),

  search: (query: SearchQuery) => unwrap(commands.searchOrders(query)),
  detail: (number: string) => unwrap(commands.orderDetail(number)),
  watching: () => unwrap(commands.watching()),
  copy: (number: string) => unwrap(commands.copyOrder(number)),
  advance: (number: string, version: number, step: Step) => unwrap(commands.advanceOrder(number, version, step)),
  reasons: () => unwrap(commands.reasons()),
  limits: () => unwrap(commands.limits()),
  departments: () => unwrap(commands.departments()),

  cancelPreview: (number: string, reason: string | null, note: string | null, customerMessage: string | null = null) =>
    unwrap(commands.cancelPreview(number, reason, note, customerMessage)),
  cancelRequest: (number: string) => unwrap(commands.cancelRequest(number)),
  cancel: (request: CancelRequest) => unwrap(commands.cancelOrder(request)),
  approve: (number: string, version: number) => unwrap(commands.approveCancel(number, version)),
  reject: (number: string, version: number, note: string) => unwrap(commands.rejectCancel(number, version, note)),
  pendingApprovals: () => unwrap(commands.pendingApprovals()),

  candidates: (filter: string | null, department: DepartmentId | null) =>
    unwrap(commands.reassignCandidates(filter, department)),
  reassign: (number: string, version: number, target: Target, note: string | null) =>
    unwrap(commands.reassignOrder(number, version, target, note)),

  archivePreview: (selection: Selection) => unwrap(commands.archivePreview(selection)),
  startJob: (kind: JobKind, selection: Selection) => unwrap(commands.startJob(kind, selection)),
  runJob: (job: string) => unwrap(commands.runJob(job)),
  stopJob: (job: string) => unwrap(commands.stopJob(job)),
  unfinishedJobs: () => unwrap(commands.unfinishedJobs()),
  jobResults: (job: string, only: string, limit: number, offset: number) =>
    unwrap(commands.jobResults(job, only, limit, offset)),
  openArchiveWindow: () => unwrap(commands.openArchiveWindow()),

  analytics: (by: Dimension, filter: ReportFilter) => unwrap(commands.analytics(by, filter)),
  exportArchive: (query: SearchQuery, format: Format) => unwrap(commands.exportArchive(query, format)),

  users: () => unwrap(commands.usersList()),
  createUser: (user: NewUser) => unwrap(commands.userCreate(user)),
  updateUser: (change: UserChange) => unwrap(commands.userUpdate(change)),
  resetPassword: (login: string, password: string) => unwrap(commands.userResetPassword(login, password)),
  unlockUser: (login: string) => unwrap(commands.userUnlock(login)),
  createDepartment: (zh: string, en: string) => unwrap(commands.departmentCreate(zh, en)),
  renameDepartment: (id: DepartmentId, zh: string, en: string) => unwrap(commands.departmentRename(id, zh, en)),
  saveReason: (reason: Reason) => unwrap(commands.reasonSave(reason)),
  approvalRules: () => unwrap(commands.approvalRules()),
  setApprovalRules: (rules: ApprovalRules) => unwrap(commands.approvalRulesSet(rules)),
  notificationRules: () => unwrap(commands.notificationRules()),
  setNotificationRules: (rules: NotificationRules) => unwrap(commands.notificationRulesSet(rules)),
  templates: () => unwrap(commands.customerTemplates()),
  setTemplates: (t: CustomerTemplates) => unwrap(commands.customerTemplatesSet(t)),
  previewTemplate: (t: Template, lang: Lang) => commands.templatePreview(t, lang),
  settingsLog: () => unwrap(commands.settingsLog()),
  backupNow: () => unwrap(commands.backupNow()),
  backups: () => unwrap(commands.backupsList()),
  /** null when the person cancelled the file dialog. */
  restore: (choice: RestoreChoice, recoveryKey: string | null) => unwrap(commands.restoreBackup(choice, recoveryKey)),
  encryptionStatus: () => unwrap(commands.encryptionStatus()),
  unlockDatabase: (recoveryKey: string) => unwrap(commands.unlockDatabase(recoveryKey)),
  encryptionEnable: () => unwrap(commands.encryptionEnable()),

  customersFind: (text: string, all: boolean, limit: number) => unwrap(commands.customersFind(text, all, limit)),
  customerGet: (id: number) => unwrap(commands.customerGet(id)),
  customerSave: (c: CustomerInput) => unwrap(commands.customerSave(c)),
  customerSetActive: (id: number, active: boolean) => unwrap(commands.customerSetActive(id, active)),
  customerHistory: (id: number) => unwrap(commands.customerHistory(id)),
  productsFind: (text: string, all: boolean, limit: number) => unwrap(commands.productsFind(text, all, limit)),
  productSave: (p: ProductInput) => unwrap(commands.productSave(p)),
  productSetActive: (id: number, active: boolean) => unwrap(commands.productSetActive(id, active)),
  stockChange: (id: number, change: StockChange, reason: string) => unwrap(commands.stockChange(id, change, reason)),
  stockHistory: (id: number, limit: number) => unwrap(commands.stockHistory(id, limit)),
  productHistory: (id: number) => unwrap(commands.productHistory(id)),
  orderCreate: (draft: DraftOrder) => unwrap(commands.orderCreate(draft)),
  orderEdit: (number: string, version: number, draft: DraftOrder) => unwrap(commands.orderEdit(number, version, draft)),
  recordPayment: (number: string, version: number, amountMinor: number) => unwrap(commands.recordPayment(number, version, amountMinor)),

  pickImportFile: () => unwrap(commands.pickImportFile()),
  importInspect: (kind: ImportKind, path: string) => unwrap(commands.importInspectFile(kind, path)),
  importDryRun: (kind: ImportKind, path: string, mapping: FieldColumn[]) => unwrap(commands.importDryRunFile(kind, path, mapping)),
  importStart: (kind: ImportKind, path: string, mapping: FieldColumn[]) => unwrap(commands.importStartFile(kind, path, mapping)),
  saveImportTemplate: (kind: ImportKind, lang: Lang, xlsx: boolean) => unwrap(commands.saveImportTemplate(kind, lang, xlsx)),
  saveJobResults: (job: string) => unwrap(commands.saveJobResults(job)),

  outbox: (filter: OutboxFilter) => unwrap(commands.outboxList(filter)),
  outboxCounts: () => unwrap(commands.outboxCounts()),
  withdrawNotice: (id: number) => unwrap(commands.outboxWithdraw(id)),
  resendNotice: (id: number) => unwrap(commands.outboxResend(id)),
  deliverNow: () => unwrap(commands.outboxDeliver()),
  /** Writes the notice's PDF on this PC and opens it; the file's path. */
  printNotice: (number: string) => unwrap(commands.printNotice(number)),
  previewNotice: (number: string, reason: string | null, note: string | null, customerMessage: string | null) =>
    unwrap(commands.previewNotice(number, reason, note, customerMessage)),
  mail: () => unwrap(commands.mailGet()),
  setMail: (mail: MailSettings, password: string | null) => unwrap(commands.mailSet(mail, password)),
  testMail: (to: string) => unwrap(commands.mailTest(to)),
  company: () => unwrap(commands.companyGet()),
  setCompany: (company: Company) => unwrap(commands.companySet(company)),

  inbox: (unreadOnly: boolean) => unwrap(commands.inboxList(unreadOnly)),
  unreadCount: () => unwrap(commands.inboxUnreadCount()),
  markRead: (ids: number[]) => unwrap(commands.inboxMarkRead(ids)),
};

export type Unlisten = () => void;

export const on = {
  ordersChanged: (cb: (numbers: string[]) => void): Promise<Unlisten> =>
    events.ordersChanged.listen((e) => cb(e.payload.numbers)),
  inboxChanged: (cb: (unread: number) => void): Promise<Unlisten> =>
    events.inboxChanged.listen((e) => cb(e.payload.unread)),
  jobProgress: (cb: (status: import("./bindings").JobStatus) => void): Promise<Unlisten> =>
    events.jobProgress.listen((e) => cb(e.payload.status)),
  settingsChanged: (cb: (what: string) => void): Promise<Unlisten> =>
    events.settingsChanged.listen((e) => cb(e.payload.what)),
  exportProgress: (cb: (done: number, total: number) => void): Promise<Unlisten> =>
    events.exportProgress.listen((e) => cb(e.payload.done, e.payload.total)),
  connectionChanged: (cb: (link: import("./bindings").Link) => void): Promise<Unlisten> =>
    events.connectionChanged.listen((e) => cb(e.payload.link)),
  sessionEnded: (cb: (e: import("./bindings").SessionEnded) => void): Promise<Unlisten> =>
    events.sessionEnded.listen((e) => cb(e.payload)),
};

/** Which window this code runs in: "main" or "archive". */
export function windowLabel(): string {
  try {
    return getCurrentWindow().label;
  } catch {
    return "main";
  }
}
