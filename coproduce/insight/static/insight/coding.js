// Transcript coding. Turns a selection (by mouse, or by keyboard: turns, whole turns and
// sentences) into Unicode code-point offsets for the coding panel. The server counts code
// points; the DOM counts UTF-16 units, so every offset is converted here.

const codePoints = (s) => {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
};
// A sentence: from its first non-space character to its closing punctuation (and any closing
// quote or bracket), or to the end of the turn.
const SENTENCE = /\S[^.!?…]*(?:[.!?…]+["'”’)\]]*|$)/gu;

const panel = document.getElementById("coding-panel");
const startInput = document.getElementById("id_start");
const endInput = document.getElementById("id_end");
const preview = document.getElementById("selection-preview");
const filterBox = document.getElementById("code-filter");
const region = document.getElementById("transcript-region");
const status = document.getElementById("coding-status");
const selectedLabel = preview ? preview.dataset.selected || "" : "";
const errors = document.getElementById("coding-errors");

let current = null; // the turn with tabindex 0
let sentence = null; // {turn, from, to} indices into the turn's sentences

const turns = () => Array.from(document.querySelectorAll(".insight-turn"));
const textOf = (turn) => turn.querySelector(".insight-turn__text");
const turnOf = (node) => {
  const el = node && (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement);
  return el ? el.closest(".insight-turn") : null;
};

function sentences(turn) {
  const text = textOf(turn).textContent;
  return Array.from(text.matchAll(SENTENCE), (m) => [m.index, m.index + m[0].length]);
}

// Code points from the start of the source to (node, offset) inside a turn.
function offsetIn(turn, node, offset) {
  const el = textOf(turn);
  const base = Number(turn.dataset.start);
  if (!el.contains(node)) {
    // A point in the speaker label: before the text.
    const after = el.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING;
    return after ? Number(turn.dataset.end) : base;
  }
  const range = document.createRange();
  range.setStart(el, 0);
  range.setEnd(node, offset);
  return base + codePoints(range.toString());
}

// The DOM point at a UTF-16 index of a turn's text.
function pointAt(turn, index) {
  const walker = document.createTreeWalker(textOf(turn), NodeFilter.SHOW_TEXT);
  let seen = 0;
  let last = null;
  while (walker.nextNode()) {
    last = walker.currentNode;
    const length = last.data.length;
    if (index <= seen + length) return [last, index - seen];
    seen += length;
  }
  return last ? [last, last.data.length] : [textOf(turn), 0];
}

function showSelection(start, end, quote) {
  if (!panel || !(end > start)) return;
  startInput.value = String(start);
  endInput.value = String(end);
  const shown = quote.length > 300 ? `${quote.slice(0, 299)}…` : quote;
  preview.replaceChildren();
  const label = document.createElement("p");
  label.className = "nhsuk-body-s nhsuk-u-margin-bottom-1";
  label.textContent = selectedLabel;
  const block = document.createElement("blockquote");
  block.className = "insight-preview__quote";
  block.textContent = shown;
  preview.append(label, block);
}

// Select [from, to) (UTF-16 indices) of one turn's text, in the page and in the panel.
function selectInTurn(turn, from, to) {
  const text = textOf(turn).textContent;
  const [a, aOff] = pointAt(turn, from);
  const [b, bOff] = pointAt(turn, to);
  document.getSelection().setBaseAndExtent(a, aOff, b, bOff);
  const base = Number(turn.dataset.start);
  showSelection(
    base + codePoints(text.slice(0, from)),
    base + codePoints(text.slice(0, to)),
    text.slice(from, to),
  );
}

function fromPageSelection() {
  const selection = document.getSelection();
  if (!selection.rangeCount || selection.isCollapsed) return;
  const range = selection.getRangeAt(0);
  const first = turnOf(range.startContainer);
  const last = turnOf(range.endContainer);
  if (!first || !last) return;
  let start = offsetIn(first, range.startContainer, range.startOffset);
  let end = offsetIn(last, range.endContainer, range.endOffset);
  // Leave out white space at either end (a double-click takes the following space).
  const firstText = textOf(first);
  if (firstText.contains(range.startContainer)) {
    const r = document.createRange();
    r.setStart(range.startContainer, range.startOffset);
    r.setEnd(firstText, firstText.childNodes.length);
    const s = r.toString();
    start += Math.min(s.length - s.trimStart().length, Math.max(end - start, 0));
  }
  const lastText = textOf(last);
  if (lastText.contains(range.endContainer)) {
    const r = document.createRange();
    r.setStart(lastText, 0);
    r.setEnd(range.endContainer, range.endOffset);
    const s = r.toString();
    end -= s.length - s.trimEnd().length;
  }
  if (end > start) showSelection(start, end, range.toString().trim());
}

function focusTurn(turn) {
  if (!turn) return;
  for (const t of turns()) t.tabIndex = t === turn ? 0 : -1;
  current = turn;
  turn.focus();
}

function openPanel() {
  if (!panel) return;
  const target = filterBox && !filterBox.closest("[hidden]") ? filterBox : panel.querySelector("input[name=codes]");
  (target || document.getElementById("coding-panel-heading")).focus();
}

function stepSentence(turn, direction, extend) {
  const list = sentences(turn);
  if (!list.length) return;
  let from;
  let to;
  if (!sentence || sentence.turn !== turn) {
    from = to = direction > 0 ? 0 : list.length - 1;
  } else if (extend) {
    from = sentence.from;
    to = Math.max(from, Math.min(list.length - 1, sentence.to + direction));
  } else {
    from = to = Math.max(0, Math.min(list.length - 1, (direction > 0 ? sentence.to : sentence.from) + direction));
  }
  sentence = { turn, from, to };
  selectInTurn(turn, list[from][0], list[to][1]);
}

function onTurnKey(event) {
  const turn = event.target.closest(".insight-turn");
  if (!turn || event.target !== turn || event.altKey || event.ctrlKey || event.metaKey) return;
  const all = turns();
  const i = all.indexOf(turn);
  const key = event.key;
  if (key === "ArrowDown" || key === "j") {
    focusTurn(all[i + 1]);
  } else if (key === "ArrowUp" || key === "k") {
    focusTurn(all[i - 1]);
  } else if (key === "Home") {
    focusTurn(all[0]);
  } else if (key === "End") {
    focusTurn(all[all.length - 1]);
  } else if (key === "Enter" || key === " ") {
    const text = textOf(turn).textContent;
    const lead = text.length - text.trimStart().length;
    sentence = null;
    selectInTurn(turn, lead, text.trimEnd().length);
  } else if (key === "ArrowRight" || key === "ArrowLeft") {
    stepSentence(turn, key === "ArrowRight" ? 1 : -1, event.shiftKey);
  } else if (key === "c") {
    current = turn;
    openPanel();
  } else {
    return;
  }
  event.preventDefault();
}

// Back to "nothing selected" once a change is made: the old passage is no longer the one the
// panel would code.
function clearSelection() {
  startInput.value = "";
  endInput.value = "";
  if (preview && preview.dataset.empty) {
    const empty = document.createElement("p");
    empty.className = "nhsuk-body-s";
    empty.textContent = preview.dataset.empty;
    preview.replaceChildren(empty);
  }
  document.getSelection().removeAllRanges();
}

function filterCodes() {
  const needle = filterBox.value.trim().toLowerCase();
  for (const item of panel.querySelectorAll(".insight-code-tree .nhsuk-checkboxes__item")) {
    item.hidden = needle !== "" && !item.dataset.name.includes(needle);
  }
}

// After htmx has swapped in a change: the status message, and the turns it touched.
function afterSwap() {
  // The panel's error summary (inside its form) takes focus, as on a page with errors.
  const summary = errors && errors.querySelector(".nhsuk-error-summary");
  if (summary) {
    summary.tabIndex = -1;
    summary.focus();
    return;
  }
  const message = status && status.querySelector("p");
  if (!message) return;
  const error = message.hasAttribute("data-error");
  const wanted = message.dataset.focus && document.getElementById(message.dataset.focus);
  if (!error && panel) {
    clearSelection();
    const newCode = panel.querySelector("input[name=new_code]");
    if (newCode) newCode.value = "";
    for (const box of panel.querySelectorAll("input[name=codes]:checked")) box.checked = false;
    if (filterBox) filterBox.value = "";
  }
  if (filterBox) filterCodes();
  if (error) {
    openPanel();
  } else if (wanted && wanted.classList.contains("insight-turn")) {
    focusTurn(wanted);
  } else if (wanted) {
    wanted.focus();
  } else if (current && !document.contains(current)) {
    focusTurn(turns()[0]);
  }
  sentence = null;
}

function init() {
  if (region) {
    region.addEventListener("keydown", onTurnKey);
    region.addEventListener("click", (event) => {
      const link = event.target.closest(".insight-code-turn");
      if (!link || !panel) return;
      event.preventDefault();
      const turn = document.getElementById(link.dataset.turn);
      const text = textOf(turn).textContent;
      current = turn;
      selectInTurn(turn, text.length - text.trimStart().length, text.trimEnd().length);
      openPanel();
    });
    region.addEventListener("focusin", (event) => {
      if (event.target.classList && event.target.classList.contains("insight-turn")) {
        for (const t of turns()) t.tabIndex = t === event.target ? 0 : -1;
        current = event.target;
      }
    });
    document.body.addEventListener("htmx:afterSettle", (event) => {
      if (event.detail && event.detail.target === status) afterSwap();
    });
  }
  document.addEventListener("selectionchange", fromPageSelection);
  if (errors) {
    // "Select some text" goes back to the turn last used, not always the first; a field's
    // error to the field. (The NHS.UK script handles the summary rendered with the page; this
    // one also serves the summary htmx swaps in.)
    errors.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      if (!link || event.defaultPrevented) return;
      event.preventDefault();
      const id = link.getAttribute("href").slice(1);
      if (id.startsWith("turn-")) {
        focusTurn((current && document.getElementById(current.id)) || turns()[0]);
      } else if (document.getElementById(id)) {
        document.getElementById(id).focus();
      }
    });
  }
  if (panel) {
    panel.addEventListener("keydown", (event) => {
      // Turns swapped in after a change replace the old elements: look the turn up again.
      const turn = current && document.getElementById(current.id);
      if (event.key === "Escape" && turn) {
        event.preventDefault();
        focusTurn(turn);
      }
    });
    if (filterBox) {
      filterBox.closest("[hidden]").hidden = false;
      filterBox.addEventListener("input", filterCodes);
      // Enter in the filter box moves to the first code shown instead of sending the form.
      filterBox.addEventListener("keydown", (event) => {
        if (event.key !== "Enter") return;
        event.preventDefault();
        const first = Array.from(panel.querySelectorAll("input[name=codes]")).find(
          (box) => !box.closest(".nhsuk-checkboxes__item").hidden,
        );
        if (first) first.focus();
      });
    }
  }
}

init();
