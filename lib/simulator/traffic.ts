// Realistic IM callback traffic for the simulator: who recalls what, from which platform, and
// which other callbacks share the URL. Pure and seedable, so tests can pin down its shape; the
// sending (HTTP, pacing, signing) lives in lib/simulator/send.ts.
import { RECALL_COMMAND } from "@/lib/im/recall-body";
import { recallIdentity } from "@/lib/recalls/new-recall";

/** A uniform random number in [0, 1). */
export type Rng = () => number;

/** mulberry32: tiny, fast and good enough for traffic shapes (not for anything secret). */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const intBetween = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));

/** Picks from weighted choices in O(log n). */
export class WeightedPicker<T> {
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(private readonly items: readonly (readonly [T, number])[]) {
    if (items.length === 0) throw new Error("WeightedPicker needs at least one item");
    let sum = 0;
    for (const [, weight] of items) {
      sum += weight;
      this.cumulative.push(sum);
    }
    this.total = sum;
  }

  pick(rng: Rng): T {
    const target = rng() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cumulative[mid] ?? 0) > target) hi = mid;
      else lo = mid + 1;
    }
    return (this.items[lo] as readonly [T, number])[0];
  }
}

// OptPlatform as IM sends it, raw spellings included (see the protocol notes); mobile dominates,
// RESTAPI is an admin recalling through admin_msgwithdraw.
export const PLATFORM_WEIGHTS: readonly (readonly [string, number])[] = [
  ["Android", 34],
  ["iOS", 22],
  ["IOS", 6],
  ["Web", 10],
  ["Windows", 7],
  ["Mac", 3],
  ["macOS", 3],
  ["iPad", 3],
  ["IPad", 2],
  ["RESTAPI", 7],
  ["Unknown", 3],
];

/** The other commands one callback URL receives; Push.OfflinePush carries no ClientIP/OptPlatform. */
export const OTHER_COMMANDS = [
  "C2C.CallbackBeforeSendMsg",
  "C2C.CallbackAfterSendMsg",
  "State.StateChange",
  "Push.OfflinePush",
  "Sns.CallbackFriendAdd",
  "Group.CallbackAfterSendMsg",
] as const;

const OTHER_COMMAND_WEIGHTS: readonly (readonly [(typeof OTHER_COMMANDS)[number], number])[] = [
  ["C2C.CallbackBeforeSendMsg", 35],
  ["C2C.CallbackAfterSendMsg", 30],
  ["State.StateChange", 15],
  ["Push.OfflinePush", 10],
  ["Sns.CallbackFriendAdd", 4],
  ["Group.CallbackAfterSendMsg", 6],
];

export type TrafficOptions = {
  sdkAppId: string;
  users: number;
  seed?: number;
  /** Share of callbacks that redeliver an already-sent recall. */
  duplicateShare?: number;
  /** Share of callbacks that are other commands. */
  otherShare?: number;
  /** Share of recalls whose body carries EventTime (the Chinese doc's variant). */
  eventTimeShare?: number;
  /** Share of recalls without UnreadMsgNum (also the Chinese doc's variant). */
  noUnreadShare?: number;
  /** Share of sent messages (C2C.CallbackAfterSendMsg) recalled 5 s to 3 min later with their MsgKey. */
  recallSentShare?: number;
};

export type RecallFacts = { identity: string; fromAccount: string; toAccount: string; msgKey: string };

/** One callback to send: the URL's parameters (before signing) and the JSON body. */
export type PlannedCallback =
  | {
      kind: "recall" | "duplicate";
      command: typeof RECALL_COMMAND;
      query: Record<string, string>;
      body: Record<string, unknown>;
      recall: RecallFacts;
    }
  | { kind: "other"; command: string; query: Record<string, string>; body: Record<string, unknown> };

type SentRecall = { query: Record<string, string>; body: Record<string, unknown>; recall: RecallFacts };

// Enough history that redeliveries reach back a while, as IM's retries do.
const RECENT_RECALLS = 500;
// Recalls of sent messages waiting for their time; beyond this the oldest plans are dropped.
const MAX_PLANNED_RECALLS = 5_000;

const TEXTS = [
  "你好，今天下午三点开会吗？",
  "On my way, be there in 5 minutes",
  "好的👌",
  "Can you send me the report before Friday?",
  "哈哈哈哈 😂😂",
  "发错了，不好意思",
  "Oops, wrong chat 🙈",
  "晚上一起吃饭吧 🍜",
  "My password is hunter2 (don't tell anyone)",
  "明天见！",
];

/** A realistic MsgBody: mostly text (Chinese and English, emoji), some faces, images, custom elements, locations, files. */
function messageBody(rng: Rng): Record<string, unknown>[] {
  const roll = rng();
  const text = () => ({ MsgType: "TIMTextElem", MsgContent: { Text: TEXTS[Math.floor(rng() * TEXTS.length)] } });
  if (roll < 0.62) return [text()];
  if (roll < 0.7) return [text(), { MsgType: "TIMFaceElem", MsgContent: { Index: intBetween(rng, 0, 200), Data: "[微笑]" } }];
  if (roll < 0.82) {
    const size = intBetween(rng, 20_000, 3_000_000);
    const uuid = `${intBetween(rng, 1e8, 9e8)}_image`;
    return [
      {
        MsgType: "TIMImageElem",
        MsgContent: {
          UUID: uuid,
          ImageFormat: 1,
          ImageInfoArray: [
            { Type: 1, Size: size, Width: 1080, Height: 1920, URL: `https://example.invalid/im/${uuid}?size=orig` },
            { Type: 3, Size: Math.round(size / 20), Width: 198, Height: 352, URL: `https://example.invalid/im/${uuid}?size=thumb` },
          ],
        },
      },
    ];
  }
  if (roll < 0.92)
    return [
      {
        MsgType: "TIMCustomElem",
        MsgContent: { Data: JSON.stringify({ type: "order", id: intBetween(rng, 1e5, 9e5) }), Desc: "订单卡片", Ext: "order_card" },
      },
    ];
  if (roll < 0.96)
    return [{ MsgType: "TIMLocationElem", MsgContent: { Desc: "深圳市南山区腾讯大厦", Latitude: 22.540503, Longitude: 113.934528 } }];
  return [
    {
      MsgType: "TIMFileElem",
      MsgContent: { FileName: "报价单-2026.xlsx", FileSize: intBetween(rng, 10_000, 900_000), Url: "https://example.invalid/im/file" },
    },
  ];
}

type PlannedRecall = { atMs: number; from: number; to: number; msgKey: string };

export const userId = (index: number) => `user_${String(index + 1).padStart(5, "0")}`;

export class TrafficGenerator {
  private readonly rng: Rng;
  private readonly senders: WeightedPicker<number>;
  private readonly platforms = new WeightedPicker(PLATFORM_WEIGHTS);
  private readonly otherCommands = new WeightedPicker(OTHER_COMMAND_WEIGHTS);
  private readonly unread: number[];
  private readonly userPlatform: string[];
  private readonly userIp: string[];
  private readonly msgSeq: number[];
  private readonly recent: SentRecall[] = [];
  private readonly duplicateShare: number;
  private readonly otherShare: number;
  private readonly eventTimeShare: number;
  private readonly noUnreadShare: number;
  private readonly recallSentShare: number;
  private planned: PlannedRecall[] = [];

  constructor(private readonly options: TrafficOptions) {
    if (!Number.isInteger(options.users) || options.users < 2) throw new Error("traffic needs at least 2 users");
    this.rng = createRng(options.seed ?? Date.now());
    this.duplicateShare = options.duplicateShare ?? 0.05;
    this.otherShare = options.otherShare ?? 0.25;
    this.eventTimeShare = options.eventTimeShare ?? 0.3;
    this.noUnreadShare = options.noUnreadShare ?? 0.1;
    this.recallSentShare = options.recallSentShare ?? 0.15;
    // Zipf-like: the first few users recall far more often than the long tail.
    this.senders = new WeightedPicker(Array.from({ length: options.users }, (_, i) => [i, 1 / (i + 1) ** 1.1] as const));
    this.unread = Array.from({ length: options.users }, () => intBetween(this.rng, 0, 12));
    // Most users stay on one device; recalls from elsewhere happen but are rarer.
    this.userPlatform = Array.from({ length: options.users }, () => this.platforms.pick(this.rng));
    this.userIp = Array.from(
      { length: options.users },
      () =>
        `${intBetween(this.rng, 11, 223)}.${intBetween(this.rng, 0, 255)}.${intBetween(this.rng, 0, 255)}.${intBetween(this.rng, 1, 254)}`,
    );
    this.msgSeq = Array.from({ length: options.users }, () => intBetween(this.rng, 1, 90_000));
  }

  /** The next callback at wall-clock time `nowMs`. */
  next(nowMs: number): PlannedCallback {
    // A sent message whose recall is due is recalled with its real MsgKey.
    const due = this.planned[0];
    if (due && due.atMs <= nowMs) {
      this.planned.shift();
      return this.recall(nowMs, due);
    }
    const roll = this.rng();
    if (roll < this.otherShare) return this.other(nowMs);
    if (roll < this.otherShare + this.duplicateShare && this.recent.length > 0) {
      const sent = this.recent[Math.floor(this.rng() * this.recent.length)] as SentRecall;
      return { kind: "duplicate", command: RECALL_COMMAND, query: { ...sent.query }, body: { ...sent.body }, recall: sent.recall };
    }
    return this.recall(nowMs);
  }

  private baseQuery(command: string): Record<string, string> {
    return { SdkAppid: this.options.sdkAppId, CallbackCommand: command, contenttype: "json" };
  }

  private clientQuery(command: string, user: number): Record<string, string> {
    const platform = this.rng() < 0.85 ? (this.userPlatform[user] as string) : this.platforms.pick(this.rng);
    // Admin recalls come from the REST API host, not the user's device.
    const ip = platform === "RESTAPI" ? "10.0.0.2" : (this.userIp[user] as string);
    return { ...this.baseQuery(command), ClientIP: ip, OptPlatform: platform };
  }

  private recall(nowMs: number, of?: PlannedRecall): PlannedCallback {
    const from = of ? of.from : this.senders.pick(this.rng);
    let to = of ? of.to : intBetween(this.rng, 0, this.options.users - 2);
    if (!of && to >= from) to += 1;
    const fromAccount = userId(from);
    const toAccount = userId(to);

    // The recipient's unread count drifts: new messages arrive, some get read, never below zero.
    const drift = intBetween(this.rng, -3, 4);
    const unread = Math.max(0, (this.unread[to] as number) + drift);
    this.unread[to] = unread;

    let msgKey = of?.msgKey;
    if (msgKey === undefined) {
      const seq = (this.msgSeq[from] as number) + 1;
      this.msgSeq[from] = seq;
      msgKey = `${seq}_${intBetween(this.rng, 1_000_000, 4_294_967_295)}_${Math.floor(nowMs / 1000) - intBetween(this.rng, 0, 110)}`;
    }

    const body: Record<string, unknown> = {
      CallbackCommand: RECALL_COMMAND,
      From_Account: fromAccount,
      To_Account: toAccount,
      MsgKey: msgKey,
    };
    if (this.rng() >= this.noUnreadShare) body.UnreadMsgNum = unread;
    if (this.rng() < this.eventTimeShare) {
      const eventTime = nowMs - intBetween(this.rng, 0, 1500);
      // Sibling callbacks send EventTime as a string; accept both on the wire.
      body.EventTime = this.rng() < 0.5 ? eventTime : String(eventTime);
    }
    const recall: RecallFacts = {
      identity: recallIdentity({ sdkAppId: this.options.sdkAppId, fromAccount, toAccount, msgKey }),
      fromAccount,
      toAccount,
      msgKey,
    };
    const sent: SentRecall = { query: this.clientQuery(RECALL_COMMAND, from), body, recall };
    if (this.recent.length < RECENT_RECALLS) this.recent.push(sent);
    else this.recent[Math.floor(this.rng() * RECENT_RECALLS)] = sent;
    return { kind: "recall", command: RECALL_COMMAND, query: { ...sent.query }, body: { ...body }, recall };
  }

  private other(nowMs: number): PlannedCallback {
    const command = this.otherCommands.pick(this.rng);
    const from = this.senders.pick(this.rng);
    const to = intBetween(this.rng, 0, this.options.users - 1);
    const fromAccount = userId(from);
    const toAccount = userId(to);
    const msgText = { MsgType: "TIMTextElem", MsgContent: { Text: "hi" } };
    switch (command) {
      case "Push.OfflinePush":
        return {
          kind: "other",
          command,
          query: this.baseQuery(command),
          body: {
            CallbackCommand: command,
            PushInfos: [
              {
                From_Account: fromAccount,
                To_Account: toAccount,
                MsgKey: `${this.msgSeq[from]}_${intBetween(this.rng, 1, 1e9)}`,
                MsgBody: [msgText],
              },
            ],
          },
        };
      case "State.StateChange":
        return {
          kind: "other",
          command,
          query: this.clientQuery(command, from),
          body: {
            CallbackCommand: command,
            EventTime: nowMs,
            Info: { Action: this.rng() < 0.5 ? "Login" : "Disconnect", To_Account: fromAccount, Reason: "" },
          },
        };
      case "Sns.CallbackFriendAdd":
        return {
          kind: "other",
          command,
          query: this.clientQuery(command, from),
          body: {
            CallbackCommand: command,
            PairList: [{ From_Account: fromAccount, To_Account: toAccount, Initiator_Account: fromAccount }],
            EventTime: nowMs,
          },
        };
      case "Group.CallbackAfterSendMsg":
        return {
          kind: "other",
          command,
          query: this.clientQuery(command, from),
          body: {
            CallbackCommand: command,
            GroupId: `@TGS#${intBetween(this.rng, 1e8, 9e8)}`,
            From_Account: fromAccount,
            MsgBody: [msgText],
            EventTime: nowMs,
          },
        };
      default: {
        const seq = (this.msgSeq[from] as number) + 1;
        this.msgSeq[from] = seq;
        const random = intBetween(this.rng, 1, 4_294_967_295);
        const seconds = Math.floor(nowMs / 1000);
        const msgKey = `${seq}_${random}_${seconds}`;
        const after = command === "C2C.CallbackAfterSendMsg";
        // Some sent messages are recalled 5 s to 3 min later, with the MsgKey IM gave them.
        if (after && to !== from && this.rng() < this.recallSentShare) {
          this.planned.push({ atMs: nowMs + intBetween(this.rng, 5_000, 180_000), from, to, msgKey });
          this.planned.sort((a, b) => a.atMs - b.atMs);
          if (this.planned.length > MAX_PLANNED_RECALLS) this.planned.shift();
        }
        return {
          kind: "other",
          command,
          query: this.clientQuery(command, from),
          body: {
            CallbackCommand: command,
            From_Account: fromAccount,
            To_Account: toAccount,
            MsgSeq: seq,
            MsgRandom: random,
            MsgTime: seconds,
            MsgKey: msgKey,
            OnlineOnlyFlag: 0,
            ...(after ? { SendMsgResult: 0, ErrorInfo: "send msg succeed", UnreadMsgNum: intBetween(this.rng, 0, 12) } : {}),
            MsgBody: after ? messageBody(this.rng) : [msgText],
            ...(this.rng() < 0.1 ? { CloudCustomData: JSON.stringify({ trace: intBetween(this.rng, 1, 1e6) }) } : {}),
            EventTime: nowMs,
          },
        };
      }
    }
  }
}
