/* Passkeys (WebAuthn) for staff: make one, or use one as the second step of
   signing in. Talks to django-otp-webauthn's JSON endpoints named in the
   #passkey element's data-* attributes; the page works without it (codes). */
(function () {
  "use strict";
  const box = document.getElementById("passkey");
  if (!box) return;
  const button = box.querySelector(".passkey-button");
  const status = document.querySelector(".passkey-status");
  const csrf = box.querySelector("input[name=csrfmiddlewaretoken]").value;
  const say = (text) => { status.textContent = text; };
  const text = box.dataset;  // the page's translated messages

  if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
    button.disabled = true;
    say(text.msgUnsupported);
    return;
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify(body || {}),
    });
    if (response.status === 429) { window.location.reload(); throw new Error("locked"); }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.detail || "");
    return data;
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    say(text.msgWorking);
    try {
      const options = await post(box.dataset.begin);
      let credential;
      if (box.dataset.mode === "register") {
        credential = await navigator.credentials.create({publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options)});
      } else {
        credential = await navigator.credentials.get({publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options)});
      }
      await post(box.dataset.complete, credential.toJSON());
      window.location.assign(box.dataset.next);
    } catch (error) {
      button.disabled = false;
      say(error.name === "NotAllowedError" ? text.msgCancelled : (text.msgFailed + " " + error.message).trim());
    }
  });
})();
