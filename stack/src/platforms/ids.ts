// The platform stand-ins' fixed ids, shaped like the real ones (Vercel: a
// prefix and a base58/base62 string; Render: a prefix and 20 lower-case
// characters; Supabase: a 20-letter project ref). They are constants so a
// README can show them and a suite can be configured with them before boot.
export const VERCEL_TEAM_ID = "team_R3fSt4ckL0c4lT34mXyZ9aQw";
export const VERCEL_PROJECT_ID = "prj_R3fSt4ckFr0ntEndL0c4lPrj9aBc";
export const VERCEL_PRODUCTION_DEPLOYMENT_ID = "dpl_4Hq8WzR3fSt4ckProdXk2mNvY7cE";
export const VERCEL_PREVIEW_DEPLOYMENT_ID = "dpl_9TgB2kR3fSt4ckPr3vWx5sLqJ6hD";

export const RENDER_OWNER_ID = "tea-d0refst4ck0000000000";
export const RENDER_SERVICE_ID = "srv-d0refst4ckbackend000";
/** The deploy live when the stack boots, and the one it replaced. */
export const RENDER_LIVE_DEPLOY_ID = "dep-d0refst4ckboot000000";
export const RENDER_PREVIOUS_DEPLOY_ID = "dep-d0refst4ckprev000000";

export const SUPABASE_PROJECT_REF = "refstacklocalproject";
export const SUPABASE_ORGANIZATION_ID = "refstacklocalorgxxxx";
