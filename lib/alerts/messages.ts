// The text of notifications, in the channel's language (en or zh-CN), with a link to the dashboard
// view of each alert's subject (PUBLIC_URL). One message can carry several alerts: when a channel's
// rate limit holds messages back, they are sent together in the next one.
import type { ChannelLanguage, RuleKind } from "@/lib/alerts/contracts";

export type NotificationItem = {
  notificationId: number;
  event: "firing" | "resolved" | "test";
  alertId: number | null;
  ruleName: string;
  kind: RuleKind | null;
  /** URLSearchParams text: app=...&from=...&to=... */
  subject: string;
  detail: Record<string, unknown>;
  firedAt: string | null;
  resolvedAt: string | null;
};

export type RenderedMessage = { title: string; markdown: string; text: string; html: string };

const T = {
  en: {
    firing: "FIRING",
    resolved: "RESOLVED",
    test: "TEST",
    testBody: "Test message from Recall Monitor: this channel works.",
    title: (n: number, firing: number) => (n === 1 ? "Recall Monitor alert" : `Recall Monitor: ${n} alert updates (${firing} firing)`),
    burst: (d: Record<string, unknown>, s: URLSearchParams) =>
      `${s.get("from")} recalled ${d.count} messages in ${d.windowMinutes} min${s.get("to") ? ` to ${s.get("to")}` : ""} (threshold ${d.threshold}), app ${s.get("app")}`,
    spike: (d: Record<string, unknown>, s: URLSearchParams) =>
      `app ${s.get("app")}: ${d.count} recalls in ${d.windowMinutes} min, ${d.factor}× the usual ${d.baseline} (median of the previous 7 days)`,
    silence: (d: Record<string, unknown>, s: URLSearchParams) =>
      `app ${s.get("app")}: no callback for ${d.minutes} min (last at ${d.lastCallbackAt})`,
    receiver_failing: (d: Record<string, unknown>, s: URLSearchParams) =>
      `app ${s.get("app")}: ${d.failed} of ${d.total} recall callbacks answered 503 in the last 5 min (${d.percentShown}%, limit ${d.threshold}%)`,
    open: "Open",
    since: "since",
    at: "at",
  },
  "zh-CN": {
    firing: "告警",
    resolved: "已恢复",
    test: "测试",
    testBody: "这是来自 Recall Monitor 的测试消息：此通知渠道工作正常。",
    title: (n: number, firing: number) => (n === 1 ? "Recall Monitor 告警" : `Recall Monitor：${n} 条告警更新（${firing} 条告警中）`),
    burst: (d: Record<string, unknown>, s: URLSearchParams) =>
      `用户 ${s.get("from")} 在 ${d.windowMinutes} 分钟内撤回了 ${d.count} 条消息${s.get("to") ? `（发给 ${s.get("to")}）` : ""}（阈值 ${d.threshold}），应用 ${s.get("app")}`,
    spike: (d: Record<string, unknown>, s: URLSearchParams) =>
      `应用 ${s.get("app")}：${d.windowMinutes} 分钟内撤回 ${d.count} 条，是平常（前 7 天中位数 ${d.baseline}）的 ${d.factor} 倍以上`,
    silence: (d: Record<string, unknown>, s: URLSearchParams) =>
      `应用 ${s.get("app")}：已 ${d.minutes} 分钟没有收到任何回调（最后一次 ${d.lastCallbackAt}）`,
    receiver_failing: (d: Record<string, unknown>, s: URLSearchParams) =>
      `应用 ${s.get("app")}：最近 5 分钟 ${d.total} 个撤回回调中有 ${d.failed} 个返回 503（${d.percentShown}%，阈值 ${d.threshold}%）`,
    open: "查看",
    since: "开始于",
    at: "于",
  },
} as const;

/** The dashboard view of an alert's subject. */
export function subjectPath(kind: RuleKind | null, subject: string): string {
  const s = new URLSearchParams(subject);
  const app = s.get("app");
  if (kind === "burst") {
    const q = new URLSearchParams();
    if (s.get("from")) q.set("from", s.get("from") ?? "");
    if (s.get("to")) q.set("to", s.get("to") ?? "");
    if (app) q.set("sdkAppId", app);
    return `/recalls?${q}`;
  }
  if (kind === "spike" && app) return `/recalls?${new URLSearchParams({ sdkAppId: app })}`;
  return "/";
}

const escapeHtml = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Markdown robots render user IDs: keep them from turning into links or emphasis. */
const escapeMarkdown = (v: string) => v.replace(/([\\`*_[\]()#>!|~<])/g, "\\$1");

export function describeItem(item: NotificationItem, language: ChannelLanguage): string {
  const t = T[language];
  if (item.event === "test" || !item.kind) return t.testBody;
  return t[item.kind](item.detail, new URLSearchParams(item.subject));
}

export function renderMessage(
  items: readonly NotificationItem[],
  language: ChannelLanguage,
  publicUrl: string | undefined,
): RenderedMessage {
  const t = T[language];
  const firing = items.filter((i) => i.event === "firing").length;
  const title = items.length === 1 && items[0]?.event === "test" ? `${T[language].title(1, 0)} · ${t.test}` : t.title(items.length, firing);
  const base = publicUrl?.replace(/\/$/, "");
  const lines = items.map((item) => {
    const label = t[item.event];
    const text = describeItem(item, language);
    const when = item.event === "resolved" ? item.resolvedAt : item.firedAt;
    const link = base && item.event !== "test" ? `${base}${subjectPath(item.kind, item.subject)}` : undefined;
    const alertsLink = base && item.alertId !== null ? `${base}/alerts?id=${item.alertId}` : undefined;
    return { label, text, when, link, alertsLink, rule: item.ruleName };
  });
  const markdown = [
    `### ${title}`,
    ...lines.map(
      (l) =>
        `- **[${l.label}]** ${escapeMarkdown(l.rule)}: ${escapeMarkdown(l.text)}${l.when ? ` (${t.at} ${l.when})` : ""}${l.link ? ` [${t.open}](${l.link})` : ""}`,
    ),
  ].join("\n");
  const text = [
    title,
    ...lines.map((l) => `[${l.label}] ${l.rule}: ${l.text}${l.when ? ` (${t.at} ${l.when})` : ""}${l.link ? ` ${l.link}` : ""}`),
  ].join("\n");
  const html = `<h3>${escapeHtml(title)}</h3><ul>${lines
    .map(
      (l) =>
        `<li><strong>[${escapeHtml(l.label)}]</strong> ${escapeHtml(l.rule)}: ${escapeHtml(l.text)}${l.when ? ` (${t.at} ${escapeHtml(l.when)})` : ""}${l.link ? ` <a href="${escapeHtml(l.link)}">${t.open}</a>` : ""}</li>`,
    )
    .join("")}</ul>`;
  return { title, markdown, text, html };
}
