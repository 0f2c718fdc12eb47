// Passkeys and security keys (WebAuthn). A form marked data-passkey="get" or "create" is hidden
// until this script finds the browser able to use one; when it is sent, the script asks the
// form's data-options address for the server's options (posting the form's own fields, its token
// among them), lets the browser talk to the key, puts the key's answer in the form's "credential"
// field as JSON, and sends the form on. The server checks everything; this only carries bytes.

const toBytes = (text) => {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
};

const toText = (buffer) => {
  const bytes = String.fromCharCode(...new Uint8Array(buffer));
  return btoa(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

const withIds = (list) => (list || []).map((item) => ({ ...item, id: toBytes(item.id) }));

function creationOptions(options) {
  return {
    ...options,
    challenge: toBytes(options.challenge),
    user: { ...options.user, id: toBytes(options.user.id) },
    excludeCredentials: withIds(options.excludeCredentials),
  };
}

function requestOptions(options) {
  return { ...options, challenge: toBytes(options.challenge), allowCredentials: withIds(options.allowCredentials) };
}

function answer(credential) {
  const r = credential.response;
  const response = { clientDataJSON: toText(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toText(r.attestationObject);
    response.transports = r.getTransports ? r.getTransports() : [];
  } else {
    response.authenticatorData = toText(r.authenticatorData);
    response.signature = toText(r.signature);
    if (r.userHandle) response.userHandle = toText(r.userHandle);
  }
  return JSON.stringify({
    id: credential.id, rawId: toText(credential.rawId), type: credential.type, response,
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
  });
}

async function useKey(form) {
  const reply = await fetch(form.dataset.options, { method: "POST", body: new FormData(form), credentials: "same-origin" });
  if (!reply.ok) throw new Error(`options: ${reply.status}`);
  const options = await reply.json();
  const credential = form.dataset.passkey === "create"
    ? await navigator.credentials.create({ publicKey: creationOptions(options) })
    : await navigator.credentials.get({ publicKey: requestOptions(options) });
  form.elements.credential.value = answer(credential);
  form.submit();
}

function setUp(form) {
  const failed = form.querySelector("[data-passkey-failed]");
  form.hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (failed) failed.hidden = true;
    useKey(form).catch(() => {
      if (failed) failed.hidden = false;
    });
  });
}

if (window.PublicKeyCredential && navigator.credentials) {
  document.querySelectorAll("form[data-passkey]").forEach(setUp);
}
