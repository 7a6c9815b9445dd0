"use client";
// A captured message's elements, rendered as data: text as text (React escapes it, never HTML),
// faces by index, locations as coordinates, custom elements' fields, files by type, size and name.
// No URL from a message is loaded: a link opens only on a click, with rel=noreferrer.
import { useTranslations } from "next-intl";
import { type ReactNode, useState } from "react";
import { fetchJson } from "@/lib/client/api";
import type { CapturedContent } from "@/lib/messages/capture";

type Element = CapturedContent["MsgBody"][number];

const str = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" ? String(v) : null);

function SafeLink({ url, children }: { url: string | null; children: ReactNode }) {
  if (!url || !/^https?:\/\//i.test(url)) return <>{children}</>;
  return (
    <a href={url} target="_blank" rel="noreferrer noopener" className="break-all text-sky-700 underline dark:text-sky-400">
      {children}
    </a>
  );
}

function ElementView({ element }: { element: Element }) {
  const t = useTranslations("messageContent");
  const c = element.MsgContent;
  switch (element.MsgType) {
    case "TIMTextElem":
      return (
        <p className="whitespace-pre-wrap break-words" data-element="text">
          {str(c.Text) ?? ""}
        </p>
      );
    case "TIMFaceElem":
      return <p data-element="face">{t("face", { index: str(c.Index) ?? "?", data: str(c.Data) ?? "" })}</p>;
    case "TIMLocationElem":
      return (
        <p data-element="location">
          {t("location", { latitude: str(c.Latitude) ?? "?", longitude: str(c.Longitude) ?? "?", desc: str(c.Desc) ?? "" })}
        </p>
      );
    case "TIMCustomElem":
      return (
        <dl className="grid grid-cols-[max-content_1fr] gap-x-3 text-sm" data-element="custom">
          {(["Data", "Desc", "Ext"] as const).map((k) => (
            <div key={k} className="contents">
              <dt className="text-slate-500 dark:text-slate-400">{k}</dt>
              <dd className="whitespace-pre-wrap break-all font-mono">{str(c[k]) ?? "—"}</dd>
            </div>
          ))}
        </dl>
      );
    case "TIMImageElem": {
      const images = Array.isArray(c.ImageInfoArray) ? (c.ImageInfoArray as Record<string, unknown>[]) : [];
      const largest = images.reduce<Record<string, unknown> | undefined>(
        (a, b) => (Number(b.Size ?? 0) > Number(a?.Size ?? -1) ? b : a),
        undefined,
      );
      return (
        <p data-element="image">
          <SafeLink url={str(largest?.URL)}>
            {t("image", { size: str(largest?.Size) ?? "?", width: str(largest?.Width) ?? "?", height: str(largest?.Height) ?? "?" })}
          </SafeLink>
        </p>
      );
    }
    case "TIMSoundElem":
      return (
        <p data-element="sound">
          <SafeLink url={str(c.Url)}>{t("sound", { size: str(c.Size) ?? "?", seconds: str(c.Second) ?? "?" })}</SafeLink>
        </p>
      );
    case "TIMFileElem":
      return (
        <p data-element="file">
          <SafeLink url={str(c.Url)}>{t("file", { name: str(c.FileName) ?? "?", size: str(c.FileSize) ?? "?" })}</SafeLink>
        </p>
      );
    case "TIMVideoFileElem":
      return (
        <p data-element="video">
          <SafeLink url={str(c.VideoUrl)}>{t("video", { size: str(c.VideoSize) ?? "?", seconds: str(c.VideoSecond) ?? "?" })}</SafeLink>
        </p>
      );
    default:
      return <p data-element="other">{t("other", { type: element.MsgType })}</p>;
  }
}

export function MessageElements({ content }: { content: CapturedContent }) {
  const t = useTranslations("messageContent");
  return (
    <div className="space-y-2" data-testid="message-content">
      {content.MsgBody.length === 0 ? <p>{t("emptyBody")}</p> : null}
      {content.MsgBody.map((e, i) => (
        // Elements have no identity of their own; their order is the message's.
        // biome-ignore lint/suspicious/noArrayIndexKey: the order is fixed
        <ElementView key={i} element={e} />
      ))}
    </div>
  );
}

/**
 * "Show content": fetches the content only when asked (the reveal is recorded in the access log).
 * `canReveal` false (viewers): says content exists, offers nothing more.
 */
export function RevealContent({ recallId, captured, canReveal }: { recallId: number; captured: boolean; canReveal: boolean }) {
  const t = useTranslations("messageContent");
  const [content, setContent] = useState<CapturedContent | null | undefined>(undefined);
  const [failed, setFailed] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!captured) return <p className="text-sm text-slate-500 dark:text-slate-400">{t("notCaptured")}</p>;
  if (!canReveal)
    return (
      <p className="text-sm" data-testid="content-hidden">
        {t("hidden")}
      </p>
    );
  if (content !== undefined) return content === null ? <p>{t("notCaptured")}</p> : <MessageElements content={content} />;
  return (
    <div className="space-y-2">
      <p className="text-sm">{t("logged")}</p>
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setFailed(null);
          try {
            const data = await fetchJson<{ message: { content: CapturedContent | null } }>(`/api/recalls/${recallId}?include=content`);
            setContent(data.message.content);
          } catch (error) {
            setFailed(error instanceof Error ? error.message : String(error));
          } finally {
            setBusy(false);
          }
        }}
        className="focus-ring rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
      >
        {t("show")}
      </button>
      {failed ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {failed}
        </p>
      ) : null}
    </div>
  );
}
