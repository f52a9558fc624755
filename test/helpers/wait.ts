/** Polls until `cond` holds; fails the test after `ms`. For outcomes written after an HTTP answer. */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  ms = 10_000,
  every = 20,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, every));
  }
}
