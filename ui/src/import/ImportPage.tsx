import { Alert, App, Button, Card, Checkbox, Flex, Input, Progress, Radio, Result, Select, Space, Statistic, Steps, Table, Tag, Typography } from "antd";
import { DownloadOutlined, FolderOpenOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type FieldColumn, type ImportKind, type ImportReport, type ImportSheet, type ItemResult, type Lang } from "../api";
import { describe } from "../common/errors";
import { useAttempt } from "../common/useAttempt";
import { JobResults } from "../wizards/JobResults";
import { useJob } from "../wizards/useJob";

const KINDS: ImportKind[] = ["customers", "products", "orders"];

/** Bringing in what a site already has (administrators): choose a file →
 * check the columns → a dry run with a result per record → import as a job
 * with progress (stop and resume) → results per record, to save. Customers
 * and products first: orders name them. */
export function ImportPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [step, setStep] = useState(0);
  const [kind, setKind] = useState<ImportKind>("customers");
  const [path, setPath] = useState("");
  const [sheet, setSheet] = useState<ImportSheet | null>(null);
  const [mapping, setMapping] = useState<FieldColumn[]>([]);
  const [report, setReport] = useState<ImportReport | null>(null);
  const { busy, error, run: attempt, dismiss } = useAttempt();
  const job = useJob();
  const zh = i18n.language === "zh-CN";

  const choose = async () => {
    const picked = await api.pickImportFile().catch(() => null);
    if (picked) setPath(picked);
  };
  const inspect = () =>
    attempt(async () => {
      const s = await api.importInspect(kind, path);
      setSheet(s);
      setMapping(s.mapping);
      setStep(1);
    });
  const dryRun = () =>
    attempt(async () => {
      setReport(await api.importDryRun(kind, path, mapping));
      setStep(2);
    });
  const start = () =>
    attempt(async () => {
      const s = await api.importStart(kind, path, mapping);
      setStep(3);
      await job.resumeJob(s);
      void qc.invalidateQueries({ queryKey: [kind] });
    });
  const template = async (xlsx: boolean) => {
    try {
      const saved = await api.saveImportTemplate(kind, (zh ? "zh-CN" : "en") as Lang, xlsx);
      if (saved) message.success(t("own.templateSaved", { path: saved }));
    } catch (e) {
      message.error(describe(e).text);
    }
  };
  const saveResults = async (id: string) => {
    try {
      const saved = await api.saveJobResults(id);
      if (saved) message.success(t("own.resultsSaved", { path: saved }));
    } catch (e) {
      message.error(describe(e).text);
    }
  };
  const restart = () => {
    setStep(0);
    setSheet(null);
    setReport(null);
    setPath("");
  };

  return (
    <Flex vertical gap={16} style={{ height: "100%", overflow: "auto" }}>
      <Typography.Title level={4} style={{ margin: 0 }}>{t("own.importTitle")}</Typography.Title>
      <Steps current={step} size="small" items={[
        { title: t("own.stepFile") }, { title: t("own.stepColumns") }, { title: t("own.stepDryRun") }, { title: t("own.stepImport") },
      ]} />
      {error && <Alert type="error" showIcon title={error} data-testid="import-error" closable onClose={dismiss} />}

      {step === 0 && (
        <Card>
          <Flex vertical gap={16}>
            <div>
              <Typography.Text strong>{t("own.importWhat")}</Typography.Text>
              <div style={{ marginTop: 8 }}>
                <Radio.Group value={kind} onChange={(e) => setKind(e.target.value)} optionType="button" buttonStyle="solid"
                  options={KINDS.map((k) => ({ value: k, label: <span data-testid={`import-kind-${k}`}>{t(`own.kinds.${k}`)}</span> }))} />
              </div>
              <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t(`own.kindHint.${kind}`)}</Typography.Paragraph>
            </div>
            <div>
              <Typography.Text strong>{t("own.importFile")}</Typography.Text>
              <Space.Compact style={{ width: "100%", marginTop: 8 }}>
                <Input value={path} onChange={(e) => setPath(e.target.value)} placeholder={t("own.importFileHint")} onPressEnter={() => path && void inspect()} data-testid="import-path" />
                <Button icon={<FolderOpenOutlined />} onClick={() => void choose()}>{t("own.chooseFile")}</Button>
              </Space.Compact>
              <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t("own.formats")}</Typography.Paragraph>
            </div>
            <Flex justify="space-between" align="center">
              <Space>
                <Typography.Text type="secondary">{t("own.template")}:</Typography.Text>
                <Button size="small" icon={<DownloadOutlined />} onClick={() => void template(true)}>XLSX</Button>
                <Button size="small" icon={<DownloadOutlined />} onClick={() => void template(false)}>CSV</Button>
              </Space>
              <Button type="primary" disabled={!path.trim()} loading={busy} onClick={() => void inspect()} data-testid="import-next">{t("common.next")}</Button>
            </Flex>
          </Flex>
        </Card>
      )}

      {step === 1 && sheet && (
        <Card title={t("own.columnsTitle", { count: sheet.rows, format: sheet.format })}>
          <Table size="small" pagination={false} rowKey="key" dataSource={sheet.fields} data-testid="import-mapping"
            columns={[
              { title: t("own.field.label"), width: 200, render: (_, f) => <>{zh ? f.label_zh : f.label_en}{f.required && <Typography.Text type="danger"> *</Typography.Text>}</> },
              {
                title: t("own.column"), width: 260,
                render: (_, f) => (
                  <Select allowClear style={{ width: "100%" }} placeholder={t("own.noColumn")}
                    value={mapping.find((m) => m.field === f.key)?.column ?? undefined}
                    onChange={(v) => setMapping((ms) => ms.map((m) => (m.field === f.key ? { ...m, column: v ?? null } : m)))}
                    options={sheet.headers.map((h, i) => ({ value: i, label: h || `#${i + 1}` }))} data-testid={`map-${f.key}`} />
                ),
              },
              {
                title: t("own.sample"),
                render: (_, f) => {
                  const col = mapping.find((m) => m.field === f.key)?.column;
                  return col === null || col === undefined ? "" : <Typography.Text type="secondary" ellipsis>{sheet.sample.map((r) => r[col] ?? "").filter(Boolean).slice(0, 3).join(" · ")}</Typography.Text>;
                },
              },
            ]} />
          <Flex justify="space-between" style={{ marginTop: 16 }}>
            <Button onClick={() => setStep(0)}>{t("common.back")}</Button>
            <Button type="primary" loading={busy} onClick={() => void dryRun()} data-testid="import-dry-run">{t("own.dryRun")}</Button>
          </Flex>
        </Card>
      )}

      {step === 2 && report && (
        <DryRun report={report} busy={busy} onBack={() => setStep(1)} onImport={() => void start()} />
      )}

      {step === 3 && (
        <Card>
          {job.status && (
            <Flex vertical gap={12}>
              <Progress percent={job.status.total ? Math.round(((job.status.done + job.status.refused + job.status.unchanged) / job.status.total) * 100) : 0}
                status={job.running ? "active" : job.status.state === "done" ? "success" : "normal"} data-testid="import-progress" />
              <Flex gap={32}>
                <Statistic title={t("own.importState.done")} value={job.status.done} />
                <Statistic title={t("own.importState.unchanged")} value={job.status.unchanged} />
                <Statistic title={t("own.importState.refused")} value={job.status.refused} styles={{ content: job.status.refused ? { color: "#cf1322" } : undefined }} />
              </Flex>
              {job.running && <Button onClick={() => void job.stop()}>{t("common.stop")}</Button>}
              {!job.running && job.status.state !== "done" && (
                <Alert type="warning" showIcon title={t("own.importStopped")} action={<Button onClick={() => void job.resume()}>{t("archive.resume")}</Button>} />
              )}
              {job.status.state === "done" && (
                <Result status={job.status.refused ? "warning" : "success"} data-testid="import-done"
                  title={t("own.importDone", { done: job.status.done, unchanged: job.status.unchanged, refused: job.status.refused })}
                  extra={<Space>
                    <Button onClick={() => void saveResults(job.status!.id)}>{t("own.saveResults")}</Button>
                    <Button type="primary" onClick={restart} data-testid="import-again">{t("own.importAnother")}</Button>
                  </Space>} />
              )}
              {!job.running && <JobResults job={job.status.id} version={job.status.done + job.status.refused + job.status.unchanged} rows />}
            </Flex>
          )}
          {Boolean(job.error) && <Alert type="error" showIcon title={describe(job.error).text} />}
        </Card>
      )}
    </Flex>
  );
}

/** The dry run's verdict: how many records go in, which are already there,
 * which are refused and why. */
function DryRun({ report, busy, onBack, onImport }: { report: ImportReport; busy: boolean; onBack: () => void; onImport: () => void }) {
  const { t, i18n } = useTranslation();
  const [onlyRefused, setOnlyRefused] = useState(report.refused > 0);
  const rows = onlyRefused ? report.rows.filter((r) => r.state === "refused") : report.rows;
  return (
    <Card>
      <Flex gap={32} style={{ marginBottom: 16 }}>
        <Statistic title={t("own.records")} value={report.total} />
        <Statistic title={t("own.importState.accepted")} value={report.accepted} styles={{ content: { color: "#389e0d" } }} />
        <Statistic title={t("own.importState.unchanged")} value={report.unchanged} />
        <Statistic title={t("own.importState.refused")} value={report.refused} styles={{ content: report.refused ? { color: "#cf1322" } : undefined }} />
      </Flex>
      {report.refused > 0 && <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t("own.refusedHint")} />}
      <Checkbox checked={onlyRefused} onChange={(e) => setOnlyRefused(e.target.checked)} style={{ marginBottom: 8 }}>{t("own.onlyRefused")}</Checkbox>
      <Table<ItemResult> size="small" rowKey={(r) => `${r.row}-${r.number}`} dataSource={rows} pagination={{ pageSize: 10, size: "small" }} data-testid="import-dry-rows"
        columns={[
          { title: t("own.row"), dataIndex: "row", width: 70 },
          { title: t("own.key"), dataIndex: "number", width: 160 },
          {
            title: t("archive.results"), dataIndex: "state", width: 110,
            render: (s: string) => <Tag color={s === "accepted" ? "green" : s === "refused" ? "red" : "default"}>{t(`own.importState.${s}`)}</Tag>,
          },
          { title: t("own.why"), render: (_, r) => (r.problem ? (i18n.language === "zh-CN" ? r.problem.message_zh : r.problem.message_en) : "") },
        ]} />
      {report.omitted > 0 && <Typography.Text type="secondary">{t("own.omitted", { count: report.omitted })}</Typography.Text>}
      <Flex justify="space-between" style={{ marginTop: 16 }}>
        <Button onClick={onBack}>{t("common.back")}</Button>
        <Button type="primary" disabled={report.accepted === 0} loading={busy} onClick={onImport} data-testid="import-start">
          {t("own.importN", { count: report.accepted })}
        </Button>
      </Flex>
    </Card>
  );
}
