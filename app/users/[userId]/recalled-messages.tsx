"use client";
// The user page's recalled messages whose content was captured, each behind the recall page's own
// "Show content" (RevealContent): the content is fetched from GET /api/recalls/{id}?include=content
// only on a click, so every reveal is recorded in the access log, and viewers learn only that
// content exists.
import Link from "next/link";
import { useTranslations } from "next-intl";
import useSWR from "swr";
import { RevealContent } from "@/components/message-content";
import { EmptyState, ErrorState, LoadingState, Panel } from "@/components/states";
import { TimeToRecall } from "@/components/time-to-recall";
import { Timestamp } from "@/components/timestamp";
import { UserText } from "@/components/user-id";
import { fetchJson, queryString } from "@/lib/client/api";
import type { RecallPage } from "@/lib/recalls/list";

const link = "focus-ring rounded text-sky-700 underline-offset-2 hover:underline dark:text-sky-400";

export function RecalledMessages({
  filters,
  canReveal,
}: {
  filters: { user: string; since: string | null; until: string | null };
  canReveal: boolean;
}) {
  const t = useTranslations("timeToRecall");
  // The log's newest page: the recalls staff look at first.
  const page = useSWR<RecallPage>(`/api/recalls${queryString(filters)}`, fetchJson, { revalidateOnFocus: false });
  const captured = page.data?.items.filter((r) => r.contentCaptured) ?? [];
  return (
    <Panel title={t("showContent")} id="recalled-messages-heading">
      {page.error ? (
        <ErrorState error={page.error} onRetry={() => void page.mutate()} />
      ) : !page.data ? (
        <LoadingState />
      ) : captured.length === 0 ? (
        <EmptyState>{t("noContent")}</EmptyState>
      ) : (
        <div className="space-y-3">
          <p className="text-sm text-slate-500 dark:text-slate-400">{t("showContentHint")}</p>
          <ul className="space-y-3" data-testid="recalled-messages">
            {captured.map((r) => (
              <li key={r.id} data-recall-id={r.id} className="space-y-1 border-t border-slate-100 pt-3 dark:border-slate-800">
                <p className="text-sm">
                  <Link href={`/recalls/${r.id}`} className={link}>
                    {t.rich("recallOf", {
                      id: r.id,
                      from: () => <UserText value={r.fromAccount} />,
                      to: () => <UserText value={r.toAccount} />,
                    })}
                  </Link>{" "}
                  · <Timestamp value={r.receivedAt} /> · <TimeToRecall value={r.timeToRecall} />
                </p>
                <RevealContent recallId={r.id} captured={r.contentCaptured} canReveal={canReveal} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </Panel>
  );
}
