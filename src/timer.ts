/** The handle `setTimeout`/`setInterval` return in this runtime. */
export type Timer = ReturnType<typeof setTimeout>;
