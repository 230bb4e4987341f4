/* Nabd in-app survey widget (no dependencies, no cookies). Embed in your product's pages:
 *
 *   <script src="https://NABD/static/nabd-widget.js" data-nabd="https://NABD" data-account="ACCOUNT_ID"
 *           data-contact="CONTACT_ID" data-signature="HEX" defer></script>
 *
 * data-signature is hex HMAC-SHA256(widget key, "ACCOUNT_ID:CONTACT_ID") computed by your server
 * (`nabd feedback widget-key` prints the key); your page's origin must be in NABD_WIDGET_ORIGINS.
 * The widget asks Nabd whether to ask this user now (survey rules and the contact limit: every ask counts),
 * shows the NPS (0-10), CSAT (1-5) or CES (1-7) question in the user's language (the scale runs right to
 * left in Arabic) and posts the answer.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var base = (script.getAttribute("data-nabd") || "").replace(/\/+$/, "");
  var user = {
    account: script.getAttribute("data-account") || "",
    contact: script.getAttribute("data-contact") || "",
    signature: script.getAttribute("data-signature") || ""
  };

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function show(question) {
    var panel = element("section", {
      "class": "nabd-widget", "role": "dialog", "data-kind": question.kind, "aria-label": question.question,
      "lang": question.language,
      "dir": question.direction,
      "style": "position:fixed;bottom:1rem;inset-inline-end:1rem;max-width:26rem;background:#fff;color:#1f2933;" +
               "border:1px solid #9aa5b1;border-radius:.6rem;padding:1rem;box-shadow:0 4px 16px rgba(0,0,0,.15);" +
               "font-family:system-ui,Tahoma,sans-serif;z-index:2147483647"
    });
    panel.appendChild(element("p", {"style": "font-weight:600;margin:0 0 .6rem"}, question.question));
    var scale = element("div", {"role": "radiogroup", "aria-label": question.question,
                                "style": "display:flex;gap:.25rem;flex-wrap:nowrap"});
    var chosen = null;
    for (var value = question.low; value <= question.high; value += 1) {
      (function (score) {
        var button = element("button", {"type": "button", "role": "radio", "aria-checked": "false",
          "data-score": String(score),
          "style": "flex:1 1 0;min-width:1.8rem;padding:.4rem 0;border:1px solid #9aa5b1;border-radius:.3rem;" +
                   "background:#f5f7fa;cursor:pointer"}, String(score));
        button.addEventListener("click", function () {
          chosen = score;
          Array.prototype.forEach.call(scale.children, function (other) {
            other.setAttribute("aria-checked", other === button ? "true" : "false");
            other.style.background = other === button ? "#1f6feb" : "#f5f7fa";
            other.style.color = other === button ? "#fff" : "";
          });
          send.disabled = false;
        });
        scale.appendChild(button);
      })(value);
    }
    panel.appendChild(scale);
    var ends = element("div", {"style": "display:flex;justify-content:space-between;font-size:.8rem;color:#52606d;" +
                                        "margin:.3rem 0 .6rem"});
    ends.appendChild(element("span", {}, question.ends[0]));
    ends.appendChild(element("span", {}, question.ends[1]));
    panel.appendChild(ends);
    var label = element("label", {"for": "nabd-widget-comment", "style": "display:block"}, question.follow_up);
    var comment = element("textarea", {"id": "nabd-widget-comment", "dir": "auto", "maxlength": "5000",
                                       "style": "width:100%;box-sizing:border-box;min-height:3.5rem"});
    panel.appendChild(label);
    panel.appendChild(comment);
    var send = element("button", {"type": "button", "style": "margin-top:.6rem"}, question.send);
    send.disabled = true;
    send.addEventListener("click", function () {
      send.disabled = true;
      fetch(base + "/widget/v1/answers", {
        method: "POST", credentials: "omit", mode: "cors",
        headers: {"Content-Type": "text/plain"},
        body: JSON.stringify({account: user.account, contact: user.contact, signature: user.signature,
                              score: chosen, comment: comment.value, language: question.language})
      }).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        panel.textContent = "";
        panel.appendChild(element("p", {"role": "status", "style": "margin:0"}, question.thanks));
      }).catch(function () { send.disabled = false; });
    });
    panel.appendChild(send);
    document.body.appendChild(panel);
  }

  var query = "account=" + encodeURIComponent(user.account) + "&contact=" + encodeURIComponent(user.contact) +
              "&signature=" + encodeURIComponent(user.signature);
  fetch(base + "/widget/v1/question?" + query, {credentials: "omit", mode: "cors"})
    .then(function (response) { return response.ok ? response.json() : {ask: false}; })
    .then(function (question) { if (question.ask) { show(question); } })
    .catch(function () { /* Nabd unreachable: the product goes on */ });
})();
