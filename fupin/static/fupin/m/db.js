// The phone's store (IndexedDB through idb): what the app shows offline and what waits to be
// sent. It survives closing the app and restarting the phone.
import { openDB } from "../../vendor/idb/index.js";

const dbPromise = openDB("fupin-m", 1, {
  upgrade(db) {
    db.createObjectStore("kv"); // token, me, lastSync
    db.createObjectStore("households", { keyPath: "id" });
    // Records (visits, check-ins, concerns) keyed by their client uuid, in the order made.
    const queue = db.createObjectStore("queue", { keyPath: "uuid" });
    queue.createIndex("createdAt", "createdAt");
    // Photos, each belonging to a record's uuid; sent after their record is stored.
    const photos = db.createObjectStore("photos", { keyPath: "id" });
    photos.createIndex("record", "record_uuid");
  },
});

export async function get(key) {
  return (await dbPromise).get("kv", key);
}

export async function set(key, value) {
  return (await dbPromise).put("kv", value, key);
}

export async function remove(key) {
  return (await dbPromise).delete("kv", key);
}

export async function households() {
  return (await dbPromise).getAll("households");
}

export async function household(id) {
  return (await dbPromise).get("households", Number(id));
}

// The server's list replaces the kept one: a household no longer paired leaves the phone.
export async function replaceHouseholds(list) {
  const tx = (await dbPromise).transaction("households", "readwrite");
  await tx.store.clear();
  for (const item of list) await tx.store.put(item);
  await tx.done;
}

// A record and its photos are written in one transaction: both or neither.
export async function enqueue(record, photoItems) {
  const tx = (await dbPromise).transaction(["queue", "photos"], "readwrite");
  await tx.objectStore("queue").put(record);
  for (const photo of photoItems) await tx.objectStore("photos").put(photo);
  await tx.done;
}

export async function records() {
  return (await dbPromise).getAllFromIndex("queue", "createdAt");
}

export async function putRecord(record) {
  return (await dbPromise).put("queue", record);
}

export async function photos() {
  return (await dbPromise).getAll("photos");
}

export async function putPhoto(photo) {
  return (await dbPromise).put("photos", photo);
}
