// Azurite's in-memory mode keeps one "extent" per queue message and per blob, and its garbage collector
// (blob and queue, every 60 s) deletes the unreferenced ones one at a time. Each delete is a LokiJS
// `findAndRemove`, O(n) in the extents collection (it shifts the array and the binary index), and the
// loop never yields, so k deletions freeze Azurite's only thread for O(k·n): 3,000 cleared or consumed
// messages stopped every queue call for 10.5 s, tens of thousands for minutes (a worker's job then
// waits as long; the benchmark's jobs did). Same work as one batch removal: 15,000 extents in ~80 ms.
// Checked against azurite 3.35-3.37 (src/common/persistence/MemoryExtentStore.ts); on another shape of
// those classes nothing is replaced, and test/azurite-gc.test.ts fails so the change is noticed.
"use strict";
const path = require("node:path");

/** Replaces MemoryExtentStore#deleteExtents in the Azurite whose entry script is given; true if it did. */
function batchExtentDeletes(azuriteScript) {
  const persistence = path.join(path.dirname(azuriteScript), "common", "persistence");
  let store;
  try {
    store = require(path.join(persistence, "MemoryExtentStore.js")).default;
  } catch {
    return false;
  }
  const proto = store?.prototype;
  if (typeof proto?.deleteExtents !== "function" || proto.deleteExtents.batched)
    return Boolean(proto?.deleteExtents?.batched);
  const original = proto.deleteExtents;
  const batched = async function deleteExtents(extents) {
    const meta = this.metadataStore;
    const extentsTable = meta?.db?.getCollection?.(meta.EXTENTS_COLLECTION);
    if (!extentsTable || typeof this.chunks?.delete !== "function") return original.call(this, extents);
    const ids = [...extents];
    for (const id of ids) this.chunks.delete(this.categoryName, id);
    if (ids.length > 0) extentsTable.findAndRemove({ id: { $in: ids } });
    return ids.length;
  };
  batched.batched = true;
  proto.deleteExtents = batched;
  return true;
}

module.exports = { batchExtentDeletes };
