// An independent ActivityPub peer for redfed's federation tests (STYLE.md §2.5), built on Fedify.
//
// One process is one instance on http://127.0.0.1:PORT. Tests drive it through a JSON control API
// under /_control/ and read back what it received and sent (tests/support/fedify_peer.py wraps
// it). Everything lives in memory and is gone when the process ends.
//
//   node server.mjs --port 8123 [--first-knock rfc9421|draft-cavage-http-signatures-12] [--exit-with-stdin]
//   (or PEER_PORT and PEER_FIRST_KNOCK in the environment)
import http from "node:http";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { Temporal } from "@js-temporal/polyfill";
import { createFederation, generateCryptoKeyPair, MemoryKvStore, signRequest, verifyObject } from "@fedify/fedify";
import {
  Accept, Activity, Announce, Block, Create, Delete, Emoji, EmojiReact, Endpoints, Flag, Follow, getTypeId, Image, Like,
  Move, Note, Person, PUBLIC_COLLECTION, Reject, Tombstone, Undo, Update,
} from "@fedify/fedify/vocab";

const options = {
  port: { type: "string" }, "first-knock": { type: "string" }, "exit-with-stdin": { type: "boolean" },
};
const { values: args } = parseArgs({ options });
const port = Number(args.port ?? process.env.PEER_PORT);
const firstKnock = args["first-knock"] ?? process.env.PEER_FIRST_KNOCK ?? "rfc9421";
if (!Number.isInteger(port) || port <= 0) throw new Error("give --port or PEER_PORT");
const knocks = ["rfc9421", "draft-cavage-http-signatures-12"];
if (!knocks.includes(firstKnock)) throw new Error(`first knock: one of ${knocks}`);
const origin = `http://127.0.0.1:${port}`;
// A test run that dies without stopping its peer closes the peer's stdin pipe: no orphan is left.
if (args["exit-with-stdin"]) process.stdin.on("end", () => process.exit(0)).resume();

// --- state -----------------------------------------------------------------------------------------

const actors = new Map(); // username -> { name, summary, keyPairs, followers, following, outbox, ... }
const objects = new Map(); // id -> the Note or Activity we made, served at its id
const sentTo = new Map(); // activity or note id -> recipients: an Undo or Delete goes to the same
const logs = { received: [], inbox: [], outgoing: [] };
// The inbox request or control call being served: { inbox?, event?, outgoing: [] }.
const scope = new AsyncLocalStorage();

function append(log, item) {
  const entry = { seq: logs[log].length + 1, at: new Date().toISOString(), ...item };
  logs[log].push(entry);
  return entry;
}

const parseJson = (text) => { try { return JSON.parse(text); } catch { return text; } };

// --- observing Fedify --------------------------------------------------------------------------------

// Fedify sends everything (deliveries, key and actor fetches, WebFinger) through the global fetch,
// so this wrapper is the one place that sees each request's signature style, Accept and status.
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const original = new Request(input, init);
  const body = ["GET", "HEAD"].includes(original.method) ? undefined : await original.arrayBuffer();
  const url = new URL(original.url);
  // Fedify always looks acct: handles up over https, and loopback test servers have no TLS. Only
  // well-known lookups go there and they are unsigned, so no signed @target-uri is broken.
  const rewritten = url.protocol === "https:" && url.hostname === "127.0.0.1"
    && url.pathname.startsWith("/.well-known/");
  if (rewritten) url.protocol = "http:";
  const request = new Request(url, { method: original.method, headers: original.headers, body,
    redirect: original.redirect, signal: original.signal });
  const entry = append("outgoing", {
    method: request.method, url: url.href, rewrittenFromHttps: rewritten,
    accept: request.headers.get("accept"), signatureStyle: signatureStyle(request.headers),
    signatureInput: request.headers.get("signature-input"), signature: request.headers.get("signature"),
    body: body && parseJson(new TextDecoder().decode(body)), status: null, error: null,
  });
  scope.getStore()?.outgoing.push(entry);
  try {
    const response = await realFetch(request);
    entry.status = response.status;
    return response;
  } catch (e) {
    entry.error = String(e?.cause ?? e);
    throw e;
  }
};

// Fedify tells which mechanism verified an inbound activity only in an OpenTelemetry span event,
// "activitypub.activity.received"; this do-nothing tracer keeps that one event for the request.
const span = {
  setAttribute() { return this; }, setAttributes() { return this; }, addLink() { return this; },
  addLinks() { return this; }, setStatus() { return this; }, updateName() { return this; },
  recordException() {}, end() {}, isRecording: () => false,
  spanContext: () => ({ traceId: "0".repeat(32), spanId: "0".repeat(16), traceFlags: 0 }),
  addEvent(name, attributes) {
    const store = scope.getStore();
    if (name === "activitypub.activity.received" && store) store.event = attributes;
    return this;
  },
};
const tracerProvider = {
  getTracer: () => ({ startSpan: () => span, startActiveSpan: (...a) => a[a.length - 1](span) }),
};

// The rule Fedify's verifier applies: Signature-Input means RFC 9421, a bare Signature cavage.
function signatureStyle(headers) {
  if (headers.has("signature-input")) return "rfc9421";
  return headers.has("signature") ? "draft-cavage-http-signatures-12" : null;
}

// Fedify tries Linked Data Signatures, then Object Integrity Proofs, then HTTP signatures, and
// stops at the first that verifies: so an activity with a valid proof skips the HTTP check.
function verifiedBy(event) {
  if (event?.["ld_signatures.verified"]) return "ld-signature";
  if (event?.["http_signatures.verified"]) return "http-signature";
  return event?.["activitypub.activity.verified"] ? "object-integrity-proof" : null;
}

// --- federation --------------------------------------------------------------------------------------

// No queue: sendActivity delivers before it returns and never retries, so tests are deterministic.
const kv = new MemoryKvStore();
const federation = createFederation({ kv, origin, firstKnock, tracerProvider, allowPrivateAddress: true });

async function person(ctx, identifier) {
  const actor = actors.get(identifier);
  if (actor == null) return null;
  const keys = await ctx.getActorKeyPairs(identifier);
  return new Person({
    id: ctx.getActorUri(identifier), preferredUsername: identifier, name: actor.name, summary: actor.summary,
    manuallyApprovesFollowers: actor.manuallyApprovesFollowers, inbox: ctx.getInboxUri(identifier),
    outbox: ctx.getOutboxUri(identifier), followers: ctx.getFollowersUri(identifier),
    endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
    publicKey: keys[0].cryptographicKey, // the RSA key: Mastodon-like servers read one publicKey
    assertionMethods: keys.map((key) => key.multikey), // the Ed25519 one signs proofs
    aliases: actor.aliases.map((uri) => new URL(uri)), successor: actor.movedTo && new URL(actor.movedTo),
    tags: actor.emojis.map(({ shortcode, url }) => new Emoji({
      id: new URL(`/emojis/${shortcode}`, origin), name: `:${shortcode}:`,
      icon: new Image({ url: new URL(url), mediaType: "image/png" }),
    })),
  });
}

federation.setActorDispatcher("/users/{identifier}", person)
  .setKeyPairsDispatcher((ctx, identifier) => actors.get(identifier)?.keyPairs ?? []);
federation.setFollowersDispatcher("/users/{identifier}/followers", (ctx, identifier) =>
  actors.has(identifier) ? { items: acceptedFollowers(identifier).map(toRecipient) } : null);
federation.setOutboxDispatcher("/users/{identifier}/outbox", (ctx, identifier) =>
  actors.has(identifier) ? { items: actors.get(identifier).outbox } : null);
const stored = (cls) => (ctx, values) => objects.get(ctx.getObjectUri(cls, values).href) ?? null;
federation.setObjectDispatcher(Note, "/users/{identifier}/notes/{id}", stored(Note));
federation.setObjectDispatcher(Activity, "/users/{identifier}/activities/{id}", stored(Activity));

federation.setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Follow, onFollow)
  .on(Accept, (ctx, accept) => settleFollow(ctx, accept, "accepted"))
  .on(Reject, (ctx, reject) => settleFollow(ctx, reject, "rejected"))
  .on(Undo, onUndo)
  .on(Create, record).on(Update, record).on(Delete, record).on(Like, record)
  .on(Announce, record).on(Block, record).on(Move, record)
  .on(Activity, record) // every other type
  .onUnverifiedActivity((ctx, activity, reason) => {
    // Returns nothing, so Fedify keeps its 401; this only notes why it refused.
    const inbox = scope.getStore()?.inbox;
    if (inbox == null) return;
    inbox.refusal = { type: reason.type, keyId: reason.keyId?.href ?? null,
      keyFetchStatus: reason.result?.status ?? null };
  });

// Listeners run only for activities Fedify verified, so everything recorded here passed.
function record(ctx, activity) {
  const { inbox = {}, event } = scope.getStore() ?? {};
  return append("received", {
    request: inbox.seq ?? null, recipient: ctx.recipient, type: inbox.json?.type ?? null,
    id: activity.id?.href ?? null, actor: activity.actorId?.href ?? null,
    object: activity.objectId?.href ?? null, verified: true, verifiedBy: verifiedBy(event),
    signatureStyle: inbox.signatureStyle ?? null, keyId: event?.["http_signatures.key_id"] || null,
    json: inbox.json ?? null,
  });
}

async function onFollow(ctx, follow) {
  record(ctx, follow);
  const target = follow.objectId && ctx.parseUri(follow.objectId);
  const actor = target?.type === "actor" ? actors.get(target.identifier) : null;
  const follower = await follow.getActor(ctx);
  if (actor == null || follower?.id == null || follower.inboxId == null) return;
  const state = actor.manuallyApprovesFollowers ? "pending" : "accepted";
  actor.followers.set(follower.id.href, { id: follower.id.href, inbox: follower.inboxId.href,
    sharedInbox: follower.endpoints?.sharedInbox?.href ?? null, followId: follow.id?.href ?? null, state });
  // Sent before the inbox answers 202, so the Accept has landed once the Follow's delivery returns.
  if (state === "accepted") await answerFollow(ctx, target.identifier, follower.id.href, Accept);
}

async function answerFollow(ctx, username, followerId, cls) {
  const entry = actorNamed(username).followers.get(followerId);
  if (entry == null) throw new HttpError(404, `${followerId} does not follow ${username}`);
  // The Follow is embedded in its plain form (id, actor, object), as Mastodon does.
  const follow = new Follow({ id: entry.followId && new URL(entry.followId), actor: new URL(followerId),
    object: ctx.getActorUri(username) });
  const answer = new cls({ id: newId(ctx, username), actor: ctx.getActorUri(username), object: follow });
  entry.state = cls === Accept ? "accepted" : "rejected";
  if (cls === Reject) actors.get(username).followers.delete(followerId);
  return { id: answer.id.href, ...(await send(ctx, username, [entry], answer)) };
}

function settleFollow(ctx, answer, state) {
  record(ctx, answer);
  for (const actor of actors.values()) {
    for (const follow of actor.following.values()) {
      // Some servers answer with the Follow's id, some embed the Follow without one.
      const answers = follow.id === answer.objectId?.href || follow.target === answer.actorId?.href;
      if (answers) follow.state = state;
    }
  }
}

function onUndo(ctx, undo) {
  record(ctx, undo);
  for (const actor of actors.values()) {
    for (const [id, follower] of actor.followers) {
      const undone = follower.followId === undo.objectId?.href && follower.id === undo.actorId?.href;
      if (undone) actor.followers.delete(id);
    }
  }
}

// --- sending -----------------------------------------------------------------------------------------

const newId = (ctx, username) => ctx.getObjectUri(Activity, { identifier: username, id: randomUUID() });

function toRecipient(r) {
  const endpoints = r.sharedInbox ? { sharedInbox: new URL(r.sharedInbox) } : null;
  return { id: new URL(r.id), inboxId: new URL(r.inbox), endpoints };
}

// Sends `activity` once per inbox and waits for every attempt, so that a failing inbox never cuts
// another delivery short. Like Mastodon, followers are reached through their shared inbox when they
// have one and addressed actors through their own; a control call's `preferSharedInbox` overrides.
async function send(ctx, username, recipients, activity, preferSharedInbox) {
  objects.set(activity.id.href, activity);
  sentTo.set(activity.id.href, recipients);
  const byInbox = new Map();
  for (const r of recipients) {
    const shared = preferSharedInbox ?? r.viaSharedInbox ?? false;
    byInbox.set((shared && r.sharedInbox) || r.inbox, { ...r, shared });
  }
  const outcomes = await Promise.allSettled([...byInbox.values()].map((r) =>
    ctx.sendActivity({ identifier: username }, toRecipient(r), activity, { preferSharedInbox: r.shared })));
  const results = [...byInbox.keys()].map((inbox, i) => {
    const failure = outcomes[i].reason;
    return { inbox, ok: !failure, status: failure?.statusCode ?? null, error: failure ? `${failure}` : null };
  });
  return { results, deliveries: scope.getStore()?.outgoing.filter((r) => r.method === "POST") ?? [] };
}

// An actor URI or @user@host handle -> { id, inbox, sharedInbox }, through Fedify's own lookup.
async function resolveActor(ctx, uri) {
  const actor = await ctx.lookupObject(uri);
  if (actor?.id == null || actor.inboxId == null) throw new HttpError(422, `no actor with inbox at ${uri}`);
  const sharedInbox = actor.endpoints?.sharedInbox?.href ?? null;
  return { id: actor.id.href, inbox: actor.inboxId.href, sharedInbox };
}

function acceptedFollowers(username) {
  return [...actors.get(username).followers.values()].filter((f) => f.state === "accepted")
    .map((f) => ({ ...f, viaSharedInbox: true }));
}

const isPublic = (address) => [PUBLIC_COLLECTION.href, "as:Public", "Public"].includes(address);
const urls = (list) => list.map((u) => (isPublic(u) ? PUBLIC_COLLECTION : new URL(u)));

// Addressed actors plus, when the sender's followers collection is addressed, its followers.
async function audience(ctx, username, addresses) {
  const recipients = [];
  for (const address of addresses) {
    if (address === ctx.getFollowersUri(username).href) recipients.push(...acceptedFollowers(username));
    else if (!isPublic(address)) recipients.push(await resolveActor(ctx, address));
  }
  return recipients;
}

async function interact(ctx, cls, { actor: username, object, to, preferSharedInbox, content }) {
  actorNamed(username);
  // By default to the object's author; a boost is public and also goes to the booster's followers.
  const authors = to ?? [(await ctx.lookupObject(object))?.attributionId?.href].filter(Boolean);
  const announce = cls === Announce;
  const addresses = announce ? [...authors, ctx.getFollowersUri(username).href] : authors;
  const activity = new cls({
    id: newId(ctx, username), actor: ctx.getActorUri(username), object: new URL(object),
    tos: announce ? [PUBLIC_COLLECTION] : urls(authors), ccs: announce ? urls(addresses) : [],
    ...(content == null ? {} : { content }) });
  const recipients = await audience(ctx, username, addresses);
  return { id: activity.id.href, ...(await send(ctx, username, recipients, activity, preferSharedInbox)) };
}

async function undo(ctx, username, activityId) {
  const original = objects.get(activityId);
  if (!(original instanceof Activity)) throw new HttpError(404, `no activity ${activityId}`);
  const activity = new Undo({ id: newId(ctx, username), actor: ctx.getActorUri(username),
    object: original, tos: original.toIds, ccs: original.ccIds });
  return { id: activity.id.href, ...(await send(ctx, username, sentTo.get(activityId) ?? [], activity)) };
}

// --- control API -------------------------------------------------------------------------------------

class HttpError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

function actorNamed(username) {
  if (!actors.has(username)) throw new HttpError(404, `no actor ${username}`);
  return actors.get(username);
}

// Fedify's own generateCryptoKeyPair makes 4,096-bit keys, about a second each; 2,048 bits (what
// Mastodon uses) takes a tenth of that. Pass rsaBits: 4096 to get Fedify's default.
function rsaKeyPair(bits = 2048) {
  const algorithm = { name: "RSASSA-PKCS1-v1_5", modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]),
    hash: "SHA-256" };
  return crypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
}

const OFFER_TERMS = { vf: "https://w3id.org/valueflows/ont/vf#", om2: "http://www.ontology-of-units-of-measure.org/resource/om-2/",
  Agreement: "vf:Agreement", Commitment: "vf:Commitment", stipulates: "vf:stipulates",
  satisfies: { "@id": "vf:satisfies", "@type": "@id" }, resourceQuantity: "vf:resourceQuantity",
  hasUnit: "om2:hasUnit", hasNumericalValue: "om2:hasNumericalValue" };

const since = (log, { since: n }) => ({ items: logs[log].slice(Number(n ?? 0)) });

const control = {
  async "POST /_control/actors"(ctx, { username, name, summary, manuallyApprovesFollowers = false, rsaBits }) {
    if (!/^[A-Za-z0-9_]+$/.test(username ?? "")) throw new HttpError(400, "username: letters, digits and _");
    if (actors.has(username)) throw new HttpError(409, `${username} exists`);
    const keyPairs = [await rsaKeyPair(rsaBits), await generateCryptoKeyPair("Ed25519")];
    actors.set(username, { name: name ?? username, summary: summary ?? null, manuallyApprovesFollowers,
      keyPairs, followers: new Map(), following: new Map(), outbox: [], aliases: [], movedTo: null, emojis: [] });
    return { id: ctx.getActorUri(username).href, handle: `@${username}@${new URL(origin).host}`,
      inbox: ctx.getInboxUri(username).href, sharedInbox: ctx.getInboxUri().href,
      followers: ctx.getFollowersUri(username).href };
  },

  async "POST /_control/follow"(ctx, { actor: username, target }) {
    const actor = actorNamed(username);
    const recipient = await resolveActor(ctx, target);
    const follow = new Follow({ id: newId(ctx, username), actor: ctx.getActorUri(username),
      object: new URL(recipient.id) });
    actor.following.set(recipient.id, { id: follow.id.href, target: recipient.id, state: "pending" });
    return { id: follow.id.href, target: recipient.id, ...(await send(ctx, username, [recipient], follow)) };
  },

  async "POST /_control/unfollow"(ctx, { actor: username, target }) {
    const actor = actorNamed(username);
    const entry = actor.following.get(target);
    if (entry == null) throw new HttpError(404, `${username} does not follow ${target}`);
    actor.following.delete(target);
    return undo(ctx, username, entry.id);
  },

  "POST /_control/accept-follower": (ctx, { actor, follower }) => answerFollow(ctx, actor, follower, Accept),
  "POST /_control/reject-follower": (ctx, { actor, follower }) => answerFollow(ctx, actor, follower, Reject),

  async "POST /_control/post"(ctx, { actor: username, content, to = [], cc = [], inReplyTo, quoteUrl, ...options }) {
    const actor = actorNamed(username);
    const note = new Note({ id: ctx.getObjectUri(Note, { identifier: username, id: randomUUID() }),
      attribution: ctx.getActorUri(username), content, tos: urls(to), ccs: urls(cc),
      replyTarget: inReplyTo ? new URL(inReplyTo) : null, quoteUrl: quoteUrl ? new URL(quoteUrl) : null,
      published: Temporal.Now.instant() });
    const create = new Create({ id: newId(ctx, username), actor: note.attributionId, object: note,
      tos: note.toIds, ccs: note.ccIds, published: note.published });
    objects.set(note.id.href, note);
    actor.outbox.push(create);
    const recipients = await audience(ctx, username, [...to, ...cc]);
    sentTo.set(note.id.href, recipients); // where delete-post sends the Delete
    const sent = await send(ctx, username, recipients, create, options.preferSharedInbox);
    return { note: note.id.href, id: create.id.href, ...sent };
  },

  // FEP-0837 deal: an Offer of an Agreement for `quantity` of a listing's Proposal. Fedify's
  // vocabulary has no ValueFlows types, so the JSON is written here and signed by Fedify's own
  // signRequest, with this peer's first knock; the seller's Accept or Reject comes back to the
  // inbox and is recorded (GET /_control/received) like any other verified activity.
  async "POST /_control/offer"(ctx, { actor: username, seller, proposal, quantity = 1 }) {
    actorNamed(username);
    const target = await resolveActor(ctx, seller);
    const id = newId(ctx, username);
    const offer = { "@context": ["https://www.w3.org/ns/activitystreams", OFFER_TERMS], id: id.href, type: "Offer",
      actor: ctx.getActorUri(username).href, to: [target.id],
      object: { type: "Agreement", stipulates: { type: "Commitment", satisfies: `${proposal}#primary`,
        resourceQuantity: { hasUnit: "one", hasNumericalValue: String(quantity) } } } };
    const [rsa] = await ctx.getActorKeyPairs(username);
    const unsigned = new Request(target.inbox, { method: "POST", body: JSON.stringify(offer),
      headers: { "Content-Type": "application/activity+json", Accept: "application/activity+json" } });
    const response = await fetch(await signRequest(unsigned, rsa.privateKey, rsa.keyId, { spec: firstKnock }));
    return { id: id.href, offer, results: [{ inbox: target.inbox, ok: response.ok, status: response.status }],
      deliveries: scope.getStore()?.outgoing.filter((r) => r.method === "POST") ?? [] };
  },

  // A report of an account and some of its posts, sent to the account's own server as Mastodon
  // forwards one: a Flag naming them, the comment as `content`.
  async "POST /_control/flag"(ctx, { actor: username, target, objects = [], content = "" }) {
    actorNamed(username);
    const recipient = await resolveActor(ctx, target);
    const activity = new Flag({ id: newId(ctx, username), actor: ctx.getActorUri(username),
      objects: urls([target, ...objects]), content });
    return { id: activity.id.href, ...(await send(ctx, username, [recipient], activity)) };
  },
  "POST /_control/like": (ctx, body) => interact(ctx, Like, body),
  "POST /_control/react": (ctx, body) => interact(ctx, EmojiReact, body),
  "POST /_control/announce": (ctx, body) => interact(ctx, Announce, body),
  "POST /_control/undo": (ctx, { actor, activity }) => undo(ctx, actor, activity),

  // emojis: [{shortcode, url}], the custom emoji its name and summary show, as Emoji tags.
  async "POST /_control/update-profile"(ctx, { actor: username, name, summary, emojis }) {
    const actor = actorNamed(username);
    if (name !== undefined) actor.name = name;
    if (summary !== undefined) actor.summary = summary;
    if (emojis !== undefined) actor.emojis = emojis;
    const update = new Update({ id: newId(ctx, username), actor: ctx.getActorUri(username),
      object: await person(ctx, username), tos: [PUBLIC_COLLECTION], ccs: [ctx.getFollowersUri(username)] });
    return { id: update.id.href, ...(await send(ctx, username, acceptedFollowers(username), update)) };
  },

  // alsoKnownAs: the accounts this actor says it also is (a move to it needs the old one here).
  "POST /_control/aliases"(ctx, { actor: username, aliases = [] }) {
    const actor = actorNamed(username);
    actor.aliases = aliases.map((uri) => new URL(uri).href);
    return { aliases: actor.aliases };
  },

  // A Move of this actor to `target` (FEP-7628), sent to its followers as Mastodon sends it.
  async "POST /_control/move"(ctx, { actor: username, target }) {
    const actor = actorNamed(username);
    actor.movedTo = new URL(target).href;
    const move = new Move({ id: newId(ctx, username), actor: ctx.getActorUri(username),
      object: ctx.getActorUri(username), target: new URL(target), ccs: [ctx.getFollowersUri(username)] });
    return { id: move.id.href, ...(await send(ctx, username, acceptedFollowers(username), move)) };
  },

  async "POST /_control/delete-post"(ctx, { actor: username, object }) {
    const note = objects.get(object);
    if (!(note instanceof Note)) throw new HttpError(404, `no post ${object}`);
    objects.delete(object); // its id now answers 404
    const remove = new Delete({ id: newId(ctx, username), actor: ctx.getActorUri(username),
      object: new Tombstone({ id: note.id }), tos: note.toIds, ccs: note.ccIds });
    return { id: remove.id.href, ...(await send(ctx, username, sentTo.get(object) ?? [], remove)) };
  },

  // Fedify's own check of a document's FEP-8b32 proofs, fetching the keys they name.
  async "POST /_control/verify-object"(ctx, { document }) {
    const verified = await verifyObject(Activity, document, { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader });
    return { verified: verified != null, id: verified?.id?.href ?? null };
  },

  async "GET /_control/lookup"(ctx, { uri, as }) {
    // `as` signs the fetches as one of our actors, for servers that require authorized fetch.
    const documentLoader = as ? await ctx.getDocumentLoader({ identifier: as }) : undefined;
    const object = await ctx.lookupObject(uri, { documentLoader });
    if (object == null) throw new HttpError(404, `could not resolve ${uri}`);
    const key = object.getPublicKey ? await object.getPublicKey({ documentLoader }) : null;
    return { id: object.id?.href ?? null, type: getTypeId(object).href,
      preferredUsername: object.preferredUsername?.toString() ?? null, inbox: object.inboxId?.href ?? null,
      sharedInbox: object.endpoints?.sharedInbox?.href ?? null,
      publicKey: key && { id: key.id?.href ?? null, owner: key.ownerId?.href ?? null },
      json: await object.toJsonLd({ format: "compact" }) };
  },

  "GET /_control/received": (ctx, params) => since("received", params),
  "GET /_control/inbox-log": (ctx, params) => since("inbox", params),
  "GET /_control/outgoing": (ctx, params) => since("outgoing", params),
  "GET /_control/followers": (ctx, { actor }) => ({ items: [...actorNamed(actor).followers.values()] }),
  "GET /_control/following": (ctx, { actor }) => ({ items: [...actorNamed(actor).following.values()] }),

  async "POST /_control/forget"() {
    // Drops what Fedify learnt about other servers (cached documents and keys, and the signature
    // style each origin accepted), so the next request knocks with firstKnock again.
    for (const prefix of ["remoteDocument", "publicKey", "httpMessageSignaturesSpec"]) {
      for await (const { key } of kv.list(["_fedify", prefix])) await kv.delete(key);
    }
    return {};
  },
};

async function serveControl(request, url) {
  const handler = control[`${request.method} ${url.pathname}`];
  if (handler == null) return Response.json({ error: "no such control call" }, { status: 404 });
  const params = request.method === "GET" ? Object.fromEntries(url.searchParams) : await request.json();
  const store = { outgoing: [] };
  try {
    const ctx = federation.createContext(new URL(origin), undefined);
    return Response.json((await scope.run(store, () => handler(ctx, params))) ?? {});
  } catch (e) {
    return Response.json({ error: String(e), outgoing: store.outgoing }, { status: e.status ?? 500 });
  }
}

// --- HTTP --------------------------------------------------------------------------------------------

const INBOX_PATH = /^\/(users\/[^/]+\/)?inbox$/;

// Every POST to an inbox is logged with Fedify's answer, so that tests can see refusals too.
async function serveInbox(request, body) {
  const json = parseJson(body.toString());
  const inbox = append("inbox", {
    path: new URL(request.url).pathname, signatureStyle: signatureStyle(request.headers),
    activityId: json?.id ?? null, type: json?.type ?? null, actor: json?.actor ?? null,
    hasProof: json?.proof != null, hasLdSignature: json?.signature != null,
    status: null, response: null, refusal: null, verifiedBy: null, json,
  });
  const store = { inbox, outgoing: [] };
  const response = await scope.run(store, () => federation.fetch(request, { contextData: undefined }));
  Object.assign(inbox, {
    status: response.status, verifiedBy: verifiedBy(store.event),
    httpSignatureVerified: store.event?.["http_signatures.verified"] ?? null,
    keyId: store.event?.["http_signatures.key_id"] || inbox.refusal?.keyId || null,
    // What Fedify fetched (keys, actors) or sent (an Accept) while answering.
    outgoing: store.outgoing.map(({ seq, method, url, status }) => ({ seq, method, url, status })),
    // Fedify explains refusals (and duplicates: "already processed") only in the body.
    response: (await response.clone().text()).slice(0, 500) || null,
  });
  return response;
}

async function handle(req, res) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  const url = new URL(req.url, `http://${req.headers.host ?? `127.0.0.1:${port}`}`);
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const hasBody = !["GET", "HEAD"].includes(req.method);
  const request = new Request(url, { method: req.method, headers, body: hasBody ? body : undefined });
  let response;
  if (url.pathname.startsWith("/_control/")) response = await serveControl(request, url);
  else if (req.method === "POST" && INBOX_PATH.test(url.pathname)) response = await serveInbox(request, body);
  else response = await federation.fetch(request, { contextData: undefined });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

http.createServer((req, res) => handle(req, res).catch((e) => {
  console.error(e);
  if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
  res.end(String(e));
})).listen(port, "127.0.0.1", () => console.log(`READY ${origin}`));
