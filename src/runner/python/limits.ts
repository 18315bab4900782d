// How long a text from the Python process may be. A handler may log or raise megabytes; a log line, an error
// message or a traceback that long helps no one and costs every log sink. Python cuts first (_protocol.cut);
// this cut holds for a process that writes its own frames.

/** The longest log line, error message or traceback taken from Python, in characters. */
export const MAX_TEXT = 64 * 1024;

/** The text, or its start with a note of its full length; at most MAX_TEXT characters in all. */
export function cutText(text: string, limit = MAX_TEXT): string {
  if (text.length <= limit) return text;
  const note = `\u2026 (cut: ${text.length} characters in all)`;
  return text.slice(0, limit - note.length) + note;
}
