// Server code of the admin channels page (docs/decisions/0002).
export { describeChannels, sendTestMessage } from "../../campaigns/channels/channel-admin.server";
export { saveChannelSettings, clearChannelSettings } from "../../campaigns/channels/settings.server";
