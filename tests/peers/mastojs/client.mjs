// A day of an app built on masto.js (as Elk and Phanpy are), against the server at $URL with the
// access token $TOKEN. It prints one JSON line per step for the test to read:
//   {"ready": ...}   once its streams are open (the test then has someone write to this user);
//   {"event": ...}   the first event of the `direct` stream;
//   {"day": ...}     what the REST calls an app makes at start-up answered.
import { createRestAPIClient, createStreamingAPIClient } from "masto";

const say = (value) => process.stdout.write(JSON.stringify(value) + "\n");
const rest = createRestAPIClient({ url: process.env.URL, accessToken: process.env.TOKEN });

const me = await rest.v1.accounts.verifyCredentials();
const instance = await rest.v2.instance.fetch();
const streaming = createStreamingAPIClient({
  streamingApiUrl: instance.configuration.urls.streaming,
  accessToken: process.env.TOKEN,
});
const direct = streaming.direct.subscribe();
await streaming.prepare();
say({ ready: { username: me.username, version: instance.version } });

for await (const event of direct) {
  say({ event: { kind: event.event, lastStatus: event.payload?.lastStatus?.content ?? null } });
  break;
}
direct.unsubscribe();
streaming.close();

const posted = await rest.v1.statuses.create({ status: "hello from masto.js #mastojs", visibility: "public" });
const home = await rest.v1.timelines.home.list({ limit: 5 });
const grouped = await rest.v2.notifications.list({ limit: 10 });
const policy = await rest.v2.notifications.policy.fetch();
const suggestions = await rest.v2.suggestions.list();
const found = await rest.v2.search.list({ q: "#mastojs", type: "hashtags" });
await rest.v1.markers.create({ home: { lastReadId: home[0].id } });
const markers = await rest.v1.markers.fetch({ timeline: ["home", "notifications"] });
say({
  day: {
    posted: posted.content,
    home: home.map((status) => status.id),
    groups: grouped.notificationGroups.map((group) => group.type),
    policy: policy.forPrivateMentions,
    suggestions: suggestions.map((suggestion) => suggestion.account.username),
    hashtags: found.hashtags.map((tag) => tag.name),
    homeReadUpTo: markers.home?.lastReadId ?? null,
  },
});
