import { notFound } from "next/navigation";
import { getRecall } from "@/lib/recalls/get-recall";
import { RecallDetailView } from "./recall-detail-view";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return { title: `Recall ${(await params).id} · Recall Monitor` };
}

export default async function RecallPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const recall = /^\d{1,15}$/.test(id) ? await getRecall(Number(id)) : null;
  if (!recall) notFound();
  return <RecallDetailView recall={recall} />;
}
