/**
 * The example's products and the stock each starts with. The inventory table is the truth once
 * a sku has a row; this list only says which skus exist before anyone has stocked them, so the
 * example needs no seeding step: the processor writes a sku's row, with this stock, the first
 * time an order asks for it (a conditional put, so the first writer wins and a restock done in
 * the table is never overwritten). That works the same on AWS and on the local runner, with no
 * custom resource and no extra command.
 *
 * FAIL-ME is stocked too: failure injection (dev) makes it fail before the processor runs, and
 * once injection is off a DLQ replay of it must process, as the walk-through shows.
 */
export const CATALOGUE: Readonly<Record<string, number>> = {
  'SKU-1': 1_000,
  'SKU-2': 500,
  'FAIL-ME': 1_000,
};
