import { applyViewDiff, type ViewServerFrame, type ViewState } from "../src/view/view-state.ts";
import { connect } from "./connection.ts";
import { byId } from "./dom.ts";
import { renderHealth, renderMeshes, renderRates, tickAges } from "./render.ts";

/** Where the tab keeps the operator token: this tab only, gone when it closes. */
const TOKEN_KEY = "mesh-live-view-token";

let state: ViewState | undefined;
/** The broker's clock minus ours, from the last frame: ages are computed on the broker's clock. */
let offsetMs = 0;
let connection: { close: () => void } | undefined;
const brokerNow = () => Date.now() + offsetMs;

const login = byId<HTMLFormElement>("login");
const tokenInput = byId<HTMLInputElement>("token");
const signOut = byId<HTMLButtonElement>("sign-out");

function render(): void {
  if (!state) return;
  const now = brokerNow();
  renderHealth(state, now);
  renderRates(state);
  renderMeshes(state, now);
}

function onFrame(frame: ViewServerFrame): void {
  if (frame.type === "error") return;
  offsetMs = frame.now - Date.now();
  state = frame.type === "snapshot" ? frame.state : state && applyViewDiff(state, frame.diff);
  render();
}

function setLink(link: "live" | "connecting" | "offline"): void {
  const node = byId("link");
  node.dataset.state = link;
  node.textContent = link;
}

function showLogin(message = ""): void {
  connection?.close();
  connection = undefined;
  state = undefined;
  sessionStorage.removeItem(TOKEN_KEY);
  byId("meshes").replaceChildren();
  byId("health").replaceChildren();
  byId("rates").hidden = true;
  byId("login-error").textContent = message;
  signOut.hidden = true;
  login.hidden = false;
  setLink("offline");
  tokenInput.focus();
}

function start(token: string): void {
  login.hidden = true;
  signOut.hidden = false;
  connection = connect(token, {
    frame: onFrame,
    link: setLink,
    refused: (message) => showLogin(`Refused: ${message}.`),
  });
}

login.addEventListener("submit", (event) => {
  event.preventDefault();
  const token = tokenInput.value.trim();
  if (token === "") return;
  tokenInput.value = "";
  sessionStorage.setItem(TOKEN_KEY, token);
  start(token);
});
signOut.addEventListener("click", () => showLogin());
// Ages move on by themselves; the data only changes when the broker pushes.
setInterval(() => tickAges(brokerNow()), 1000);

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) start(saved);
else showLogin();
