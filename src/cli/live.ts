/**
 * Text redrawn in place on a terminal (a watch view, progress). log-update does the cursor work
 * (erase the previous frame, wrap to the terminal's width, hide the cursor meanwhile); it is an
 * ES module, loaded when a command first draws.
 */
export interface LiveText {
  /** Replaces what was drawn last with `text`. */
  update(text: string): void;
  /** Erases what was drawn (e.g. to print a line that stays above it). */
  clear(): void;
  /** Leaves the last frame on the screen and restores the cursor. */
  done(): void;
}

export async function liveText(stream: NodeJS.WriteStream): Promise<LiveText> {
  const { createLogUpdate } = await import("log-update");
  const draw = createLogUpdate(stream);
  return { update: (text) => draw(text), clear: () => draw.clear(), done: () => draw.done() };
}
