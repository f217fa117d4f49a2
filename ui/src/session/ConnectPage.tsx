import { Alert, Button, Card, Col, Flex, Input, List, Row, Space, Spin, Typography } from "antd";
import { CloudServerOutlined, DesktopOutlined, SafetyCertificateOutlined, SearchOutlined } from "@ant-design/icons";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Found, type Probe } from "../api";
import { describe } from "../common/errors";
import { useAttempt } from "../common/useAttempt";

/** A fingerprint in groups of four, as `orderdesk-server status` prints it. */
export function grouped(fingerprint: string): string {
  return fingerprint.match(/.{1,4}/g)?.join(" ") ?? fingerprint;
}

/** The same, in two lines of eight groups: easier to compare by eye. */
function FingerprintLines({ fingerprint }: { fingerprint: string }) {
  const groups = grouped(fingerprint).split(" ");
  return (
    <div className="fingerprint" data-testid="connect-fingerprint">
      <div>{groups.slice(0, 8).join(" ")}</div>
      <div>{groups.slice(8).join(" ")}</div>
    </div>
  );
}

/** First start: this PC only, or the office server. */
export function ModePage({ onThisPc, onServer }: { onThisPc: () => void; onServer: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const thisPc = async () => {
    try {
      await api.useThisPc();
      onThisPc();
    } catch (e) {
      setError(describe(e).text);
    }
  };
  return (
    <div className="center-page">
      <div style={{ width: 760 }}>
        <Typography.Title level={2}>{t("connect.chooseTitle")}</Typography.Title>
        <Typography.Paragraph type="secondary">{t("connect.chooseIntro")}</Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <Row gutter={16}>
          <Col span={12}>
            <Card title={<><DesktopOutlined /> {t("connect.thisPc")}</>} style={{ height: "100%" }}>
              <Typography.Paragraph>{t("connect.thisPcText")}</Typography.Paragraph>
              <Button onClick={thisPc} data-testid="mode-this-pc">{t("connect.useThisPc")}</Button>
            </Card>
          </Col>
          <Col span={12}>
            <Card title={<><CloudServerOutlined /> {t("connect.server")}</>} style={{ height: "100%" }}>
              <Typography.Paragraph>{t("connect.serverText")}</Typography.Paragraph>
              <Button type="primary" onClick={onServer} data-testid="mode-server">{t("connect.useServer")}</Button>
            </Card>
          </Col>
        </Row>
      </div>
    </div>
  );
}

/** Finds (or takes the typed address of) the office server, shows its
 * fingerprint for the person to compare, and pins it when they say so. */
export function ConnectPage({ onConnected, onCancel }: { onConnected: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [found, setFound] = useState<Found[] | null>(null);
  const [address, setAddress] = useState("");
  const [probe, setProbe] = useState<Probe | null>(null);
  const [announced, setAnnounced] = useState<string | null>(null);
  const { busy, error, run } = useAttempt();

  const scan = () => {
    setFound(null);
    void api.discoverServers().then(setFound, () => setFound([]));
  };
  useEffect(scan, []);

  const look = (target: string, fromNetwork: string | null) => {
    setProbe(null);
    setAnnounced(fromNetwork);
    return run(async () => setProbe(await api.probeServer(target)));
  };
  const trust = async () => {
    if (!probe) return;
    await run(async () => {
      await api.connectServer(probe.address, probe.fingerprint);
      onConnected();
    });
  };

  return (
    <div className="center-page">
      <Card style={{ width: 620 }} title={<><CloudServerOutlined /> {t("connect.title")}</>} data-testid="connect-page"
        extra={<Button type="link" onClick={onCancel} data-testid="connect-cancel">{t("common.back")}</Button>}>
        {!probe && (
          <>
            <Typography.Text type="secondary">{t("connect.found")}</Typography.Text>
            {found === null ? (
              <Flex align="center" gap={8} style={{ margin: "12px 0" }}><Spin size="small" /> {t("connect.searching")}</Flex>
            ) : found.length === 0 ? (
              <Typography.Paragraph type="secondary" style={{ margin: "12px 0" }}>{t("connect.noneFound")}</Typography.Paragraph>
            ) : (
              <List size="small" bordered style={{ margin: "12px 0" }} dataSource={found}
                renderItem={(f) => (
                  <List.Item data-testid={`found-${f.address}`} style={{ cursor: "pointer" }}
                    onClick={() => { setAddress(f.address); void look(f.address, f.fingerprint); }}
                    extra={<Typography.Text type="secondary">{f.version}</Typography.Text>}>
                    <List.Item.Meta title={f.name} description={f.address} />
                  </List.Item>
                )} />
            )}
            <Button size="small" icon={<SearchOutlined />} onClick={scan} disabled={found === null}>{t("connect.rescan")}</Button>
            <Typography.Paragraph style={{ margin: "16px 0 4px" }}>{t("connect.address")}</Typography.Paragraph>
            <Space.Compact style={{ width: "100%" }}>
              <Input value={address} onChange={(e) => setAddress(e.target.value)} placeholder={t("connect.addressHint")}
                onPressEnter={() => void look(address, null)} data-testid="connect-address" />
              <Button type="primary" loading={busy} disabled={!address.trim()} onClick={() => void look(address, null)} data-testid="connect-probe">
                {t("connect.probe")}
              </Button>
            </Space.Compact>
          </>
        )}
        {probe && (
          <div data-testid="connect-compare">
            <Typography.Title level={5}><SafetyCertificateOutlined /> {t("connect.compareTitle")}</Typography.Title>
            <Typography.Paragraph>{t("connect.compareText", { address: probe.address })}</Typography.Paragraph>
            <FingerprintLines fingerprint={probe.fingerprint} />
            <Typography.Paragraph type="secondary">{t("connect.version", { version: probe.version })}</Typography.Paragraph>
            {announced && (
              <Alert showIcon style={{ marginBottom: 12 }} type={announced === probe.fingerprint ? "info" : "warning"}
                title={announced === probe.fingerprint ? t("connect.announced") : t("connect.announcedDiffers")} />
            )}
            <Space>
              <Button type="primary" loading={busy} onClick={trust} data-testid="connect-trust">{t("connect.trust")}</Button>
              <Button onClick={() => setProbe(null)} data-testid="connect-distrust">{t("connect.notSame")}</Button>
            </Space>
          </div>
        )}
        {error && <Alert type="error" showIcon title={error} style={{ marginTop: 16 }} data-testid="connect-error" />}
      </Card>
    </div>
  );
}
