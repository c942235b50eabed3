/**
 * Keys from a terminal in raw mode: the bytes one read gives, as the keys they stand for. A read
 * may hold several keys (typing fast, a paste); an escape sequence arrives whole in practice, and
 * one this does not know is dropped rather than typed.
 */
export type KeyName =
  | "up" | "down" | "left" | "right" | "home" | "end" | "pageup" | "pagedown" | "enter" | "tab" | "backspace" | "delete" | "escape"
  | "ctrl-c" | "ctrl-d" | "ctrl-u" | "ctrl-w" | "ctrl-a" | "ctrl-e" | "ctrl-n" | "ctrl-p" | "ctrl-l";

export type Key = { name: "text"; text: string } | { name: KeyName };

/** CSI and SS3 sequences (`ESC [ A`, `ESC O A`, `ESC [ 5 ~`, `ESC [ 1 ; 5 A`). */
const SEQUENCES: Record<string, KeyName> = {
  A: "up",
  B: "down",
  C: "right",
  D: "left",
  H: "home",
  F: "end",
  "1~": "home",
  "7~": "home",
  "4~": "end",
  "8~": "end",
  "3~": "delete",
  "5~": "pageup",
  "6~": "pagedown",
  Z: "tab",
};

const CONTROLS: Record<string, KeyName> = {
  "\r": "enter",
  "\n": "enter",
  "\t": "tab",
  "\x7f": "backspace",
  "\b": "backspace",
  "\x03": "ctrl-c",
  "\x04": "ctrl-d",
  "\x15": "ctrl-u",
  "\x17": "ctrl-w",
  "\x01": "ctrl-a",
  "\x05": "ctrl-e",
  "\x0e": "ctrl-n",
  "\x10": "ctrl-p",
  "\x0c": "ctrl-l",
};

export function parseKeys(data: string): Key[] {
  const keys: Key[] = [];
  let text = "";
  const flush = () => {
    if (text) keys.push({ name: "text", text });
    text = "";
  };
  for (let i = 0; i < data.length; ) {
    const ch = data[i]!;
    if (ch === "\x1b") {
      flush();
      const sequence = /^\x1b(?:\[([0-9;]*)([A-Za-z~])|O([A-Za-z]))/.exec(data.slice(i));
      if (sequence) {
        const params = sequence[1] ?? "";
        const final = sequence[2] ?? sequence[3]!;
        // `ESC [ 1 ; 5 A` (a modifier held) is the key itself; `ESC [ 5 ~` names it by number.
        const name = final === "~" ? SEQUENCES[`${params.split(";")[0]}~`] : SEQUENCES[final];
        if (name) keys.push({ name });
        i += sequence[0].length;
      } else if (data[i + 1] === "\x1b" || i + 1 === data.length) {
        keys.push({ name: "escape" });
        i += 1;
      } else {
        // Alt and a key (ESC then the key): read as the key alone.
        i += 1;
      }
      continue;
    }
    const control = CONTROLS[ch];
    if (control) {
      flush();
      keys.push({ name: control });
      i += 1;
      continue;
    }
    // Other control characters do nothing; anything else is typed.
    if (ch >= " ") text += ch;
    i += 1;
  }
  flush();
  return keys;
}
