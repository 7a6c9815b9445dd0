// A captured message as one line of plain text, for the CSV export's `content_text` column: text
// elements joined as they are, every other element summarised in brackets the way the recall page
// describes it (face index, coordinates, custom fields, file type/size/name). URLs are left out: a
// spreadsheet would make them clickable, and the page only opens them on an explicit click.
import type { CapturedContent } from "@/lib/messages/capture";

type Element = CapturedContent["MsgBody"][number];

const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "?");

function largestImage(c: Record<string, unknown>): Record<string, unknown> {
  const images = Array.isArray(c.ImageInfoArray) ? (c.ImageInfoArray as Record<string, unknown>[]) : [];
  return images.reduce<Record<string, unknown>>((a, b) => (Number(b.Size ?? 0) > Number(a.Size ?? -1) ? b : a), {});
}

function elementText(e: Element): string {
  const c = e.MsgContent;
  switch (e.MsgType) {
    case "TIMTextElem":
      return typeof c.Text === "string" ? c.Text : "";
    case "TIMFaceElem":
      return `[face #${str(c.Index)}${typeof c.Data === "string" && c.Data ? ` ${c.Data}` : ""}]`;
    case "TIMLocationElem":
      return `[location ${str(c.Latitude)}, ${str(c.Longitude)}${typeof c.Desc === "string" && c.Desc ? ` ${c.Desc}` : ""}]`;
    case "TIMCustomElem":
      return `[custom Data=${str(c.Data ?? "")} Desc=${str(c.Desc ?? "")} Ext=${str(c.Ext ?? "")}]`;
    case "TIMImageElem": {
      const i = largestImage(c);
      return `[image ${str(i.Size)} bytes ${str(i.Width)}x${str(i.Height)}]`;
    }
    case "TIMSoundElem":
      return `[sound ${str(c.Size)} bytes ${str(c.Second)} s]`;
    case "TIMFileElem":
      return `[file ${str(c.FileName)} ${str(c.FileSize)} bytes]`;
    case "TIMVideoFileElem":
      return `[video ${str(c.VideoSize)} bytes ${str(c.VideoSecond)} s]`;
    default:
      return `[${e.MsgType}]`;
  }
}

/** Text elements joined with nothing between them (IM splits one typed message into several); the rest as `[summary]`. */
export function contentText(content: CapturedContent): string {
  let out = "";
  let previousWasText = true;
  for (const e of content.MsgBody) {
    const isText = e.MsgType === "TIMTextElem";
    const piece = elementText(e);
    // A summary is set off by a space so it never runs into the words around it.
    out += out && (!isText || !previousWasText) ? ` ${piece}` : piece;
    previousWasText = isText;
  }
  return out;
}
