// The JSON API's response shapes as issue 3 fixes them.
// TEMPORARY: replaced by the types exported from the API's data functions once feat/dashboard-api lands.

export type RecallItem = {
  id: number;
  sdkAppId: string;
  fromAccount: string;
  toAccount: string;
  msgKey: string;
  unreadMsgNum: number | null;
  eventTime: string | null;
  receivedAt: string;
  optPlatform: string | null;
  clientIp: string | null;
};
export type RecallPage = { items: RecallItem[]; nextCursor: string | null };

export type UserItem = {
  userId: string;
  sdkAppId?: string;
  recallsSent: number;
  recallsReceived: number;
  lastUnreadMsgNum: number | null;
  lastRecallAt: string | null;
};
export type UserPage = { items: UserItem[]; nextCursor: string | null };

export type UserTrend = {
  userId: string;
  since: string;
  until: string;
  bucket: "hour" | "day";
  unread: { at: string; unreadMsgNum: number }[];
  buckets: { start: string; sent: number; received: number }[];
};

export type Overview = {
  since: string;
  until: string;
  bucket: "hour" | "day";
  totalRecalls: number;
  recallsOverTime: { start: string; recalls: number }[];
  platforms: { platform: string | null; recalls: number }[];
  topSenders: { userId: string; sdkAppId: string; recalls: number }[];
  topRecipients: { userId: string; sdkAppId: string; recalls: number }[];
  callbacks: { lastCallbackAt: string | null; secondsSinceLastCallback: number | null; silenceWarningMinutes: number; silent: boolean };
};

export type UserCounterparts = { userId: string; items: { userId: string; sent: number; received: number; total: number }[] };

export type UnreadSparklines = { since: string; until: string; points: number; items: { userId: string; values: (number | null)[] }[] };
