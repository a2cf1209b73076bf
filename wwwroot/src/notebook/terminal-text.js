// Terminal text (stdout, stderr, plain results, IPython's coloured tracebacks): ANSI colours as
// classes through ansi_up, which escapes everything else; text without escapes stays plain text.
import { AnsiUp } from 'ansi_up';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[/;

/** Text with ANSI colours as safe HTML (ansi_up escapes everything else), or plain text. */
export function setTerminalText(element, text) {
  if (ANSI.test(text)) {
    const ansi = new AnsiUp();
    ansi.use_classes = true;
    element.innerHTML = ansi.ansi_to_html(text);
  } else {
    element.textContent = text;
  }
}
