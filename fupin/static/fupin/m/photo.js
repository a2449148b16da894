// Photos are made small on the phone before they wait in the queue: at most 1600 px on the
// long side and about 400 KB, as JPEG. The SHA-256 is of the bytes that will be sent, so the
// server can check the upload and notice one picture used for two records.
export const MAX_SIDE = 1600;
export const TARGET_BYTES = 400 * 1024;
const QUALITIES = [0.85, 0.75, 0.65, 0.55, 0.45];

function toBlob(canvas, quality) {
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
}

export async function resize(file) {
  const bitmap = await createImageBitmap(file);
  let scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  let blob = null;
  // Lower the quality first; a picture still too large after that is drawn smaller.
  for (let attempt = 0; attempt < 4; attempt++) {
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff"; // a transparent PNG becomes white, not black, as JPEG
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    for (const quality of QUALITIES) {
      blob = await toBlob(canvas, quality);
      if (blob.size <= TARGET_BYTES) return blob;
    }
    scale *= 0.75;
  }
  return blob;
}

export async function sha256(blob) {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

// A photo ready for the queue: resized, hashed, tied to its record.
export async function prepare(file, recordUuid) {
  const blob = await resize(file);
  return {
    id: crypto.randomUUID(),
    record_uuid: recordUuid,
    blob,
    sha256: await sha256(blob),
    state: "queued",
    error: "",
  };
}
