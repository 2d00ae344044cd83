/* Passkeys (WebAuthn) for Espace Assistance: the browser's half of adding a passkey and logging in with one.
 *
 * A static file (no inline code): the portal's handlers call window.eaPasskeys.create(options) or .get(options)
 * with the options the server made (webauthn's options_to_json: binary values in base64url). Each returns a
 * Promise of a JSON string: the authenticator's answer with its binary values in base64url, for the server to
 * check, or {"error": "<DOMException name>"} when the person cancelled, the device refused, or the browser has
 * no passkeys. Nothing here decides anything: the server verifies every answer.
 */
(function () {
  "use strict";

  function toBytes(text) {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "===".slice((base64.length + 3) % 4);
    const raw = atob(padded);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    const bytes = new Uint8Array(buffer);
    let raw = "";
    for (let i = 0; i < bytes.length; i += 1) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map((c) => Object.assign({}, c, { id: toBytes(c.id) }));
  }

  function creationOptions(options) {
    return Object.assign({}, options, {
      challenge: toBytes(options.challenge),
      user: Object.assign({}, options.user, { id: toBytes(options.user.id) }),
      excludeCredentials: descriptors(options.excludeCredentials),
    });
  }

  function requestOptions(options) {
    return Object.assign({}, options, {
      challenge: toBytes(options.challenge),
      allowCredentials: descriptors(options.allowCredentials),
    });
  }

  function encode(credential) {
    const r = credential.response;
    const response = { clientDataJSON: toText(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toText(r.attestationObject);
      response.transports = typeof r.getTransports === "function" ? r.getTransports() : [];
    } else {
      response.authenticatorData = toText(r.authenticatorData);
      response.signature = toText(r.signature);
      response.userHandle = r.userHandle ? toText(r.userHandle) : null;
    }
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: response,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
    };
  }

  async function ceremony(kind, options) {
    if (!window.PublicKeyCredential || !navigator.credentials) return JSON.stringify({ error: "unsupported" });
    try {
      const credential =
        kind === "create"
          ? await navigator.credentials.create({ publicKey: creationOptions(options) })
          : await navigator.credentials.get({ publicKey: requestOptions(options) });
      if (!credential) return JSON.stringify({ error: "NotAllowedError" });
      return JSON.stringify(encode(credential));
    } catch (error) {
      return JSON.stringify({ error: (error && error.name) || "Error" });
    }
  }

  window.eaPasskeys = {
    create: (options) => ceremony("create", options),
    get: (options) => ceremony("get", options),
  };
})();
