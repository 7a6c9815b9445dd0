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
  unread: { at: string; unreadMsgNum: number }[];
  buckets: { start: string; sent: number; received: number }[];
};

export type Overview = {
  series: { start: string; recalls: number }[];
  topSenders: { userId: string; count: number }[];
  topRecipients: { userId: string; count: number }[];
  platforms: { platform: string; recalls: number }[];
  lastCallbackAt: string | null;
  silentAfterSeconds: number;
};
