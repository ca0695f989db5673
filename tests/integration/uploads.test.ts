import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createDocument } from "../../app/models/documents.server";
import { deleteStaleDraftUploads } from "../../app/models/stale-uploads.server";
import {
  attachUploadToDocument,
  deleteUpload,
  deleteUploadsOfUser,
  getDocumentUpload,
  getUploadForOwner,
  saveUpload,
} from "../../app/models/uploads.server";
import { useDatabase } from "../../app/utils/db.server";
import { getEnv } from "../../app/utils/env.server";
import { storedFileExists } from "../../app/utils/storage.server";
import {
  ALLOWED_UPLOAD_TYPES,
  MAX_UPLOAD_BYTES,
  UploadRefusedError,
  inspectUpload,
  sanitiseFilename,
} from "../../app/utils/uploads.server";
import {
  DOCX_SENTENCE,
  PDF_SENTENCE,
  TXT_SENTENCE,
  bigFile,
  docxFile,
  docxWithoutDocument,
  elfFile,
  exeFile,
  lyingZipDocx,
  nestedFormsPdf,
  passwordPdf,
  pdfFile,
  phpScript,
  shellScript,
  textNamedPdf,
  txtFile,
  zipBombDocx,
} from "../fixtures/files";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertUser } from "../setup/fixtures";

// getEnv() caches on first use, and nothing calls it at import: stored files go to this folder.
const dataDir = mkdtempSync(path.join(os.tmpdir(), "tesigo-uploads-"));
process.env.DATA_DIR = dataDir;

let database: TestDatabase;

beforeAll(async () => {
  expect(getEnv().DATA_DIR).toBe(dataDir);
  database = await createTestDatabase();
  useDatabase(database.db);
});
afterAll(async () => {
  await database?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

async function countStoredFiles(): Promise<number> {
  const row = await database.db
    .selectFrom("files")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function countRows(userId?: string): Promise<number> {
  let query = database.db.selectFrom("uploads").select((eb) => eb.fn.countAll<string>().as("n"));
  if (userId) query = query.where("user_id", "=", userId);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

type Refusal = { name: string; file: () => Buffer | Promise<Buffer>; message: string };

const TYPES = "Upload a PDF, DOCX or TXT file.";

const REFUSED: Refusal[] = [
  { name: "setup.exe", file: exeFile, message: "setup.exe looks like a program, not a document, so it was refused." },
  {
    name: "requirements.pdf",
    file: exeFile,
    message: "requirements.pdf looks like a program, not a document, so it was refused.",
  },
  { name: "report.pdf", file: elfFile, message: "report.pdf looks like a program, not a document, so it was refused." },
  {
    name: "install.sh",
    file: () => shellScript(),
    message: "install.sh looks like a program, not a document, so it was refused.",
  },
  {
    name: "notes.txt",
    file: () => shellScript({ bomAndBlankLines: true }),
    message: "notes.txt looks like a program, not a document, so it was refused.",
  },
  { name: "brief.txt", file: phpScript, message: "brief.txt looks like a program, not a document, so it was refused." },
  {
    name: "notes.pdf",
    file: textNamedPdf,
    message: `notes.pdf is not a real PDF file (its contents are plain text). ${TYPES}`,
  },
  {
    name: "report.docx",
    file: () => zipBombDocx(60),
    message: 'report.docx is refused: it expands to more than 50 MB (a "zip bomb").',
  },
  {
    name: "dense.docx",
    file: () => zipBombDocx(3),
    message: 'dense.docx is refused: it expands to more than 100 times its size (a "zip bomb").',
  },
  {
    name: "lying.docx",
    file: lyingZipDocx,
    message: 'lying.docx is refused: its parts expand beyond the sizes it declares (a "zip bomb").',
  },
  {
    name: "broken.docx",
    file: docxWithoutDocument,
    message: `broken.docx is not a valid Word document (the document part, word/document.xml, is missing). ${TYPES}`,
  },
  {
    name: "paper.docx",
    file: () => pdfFile(),
    message: `paper.docx is not a real DOCX file (it is a PDF file). ${TYPES}`,
  },
  {
    name: "paper.txt",
    file: () => pdfFile(),
    message: `paper.txt is not a plain text file (it is a PDF file). ${TYPES}`,
  },
  {
    name: "essay.txt",
    file: () => Buffer.from("{\\rtf1\\ansi Hello}"),
    message: `essay.txt is not a plain text file (it is an RTF file). ${TYPES}`,
  },
  { name: "big.pdf", file: () => bigFile(11), message: "big.pdf is 11.0 MB; the limit is 10 MB." },
  {
    name: "empty.pdf",
    file: () => Buffer.alloc(0),
    message: `empty.pdf is empty, so there is nothing to read. ${TYPES}`,
  },
  {
    name: "blank.txt",
    file: () => txtFile(" \r\n\t\n", { bom: true }),
    message: `blank.txt has no text in it. ${TYPES}`,
  },
  {
    name: "photo.png",
    file: () => Buffer.from("not really a picture"),
    message: `photo.png is not a type we accept. ${TYPES}`,
  },
  { name: "README", file: () => Buffer.from("plain words"), message: `README is not a type we accept. ${TYPES}` },
  {
    name: "old.doc",
    file: () => Buffer.from("x"),
    message: "old.doc is an old Word (.doc) file. Save it as DOCX in Word and upload it again.",
  },
  {
    name: "latin1.txt",
    file: () => Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]),
    message: "latin1.txt is not UTF-8 text. Save it as UTF-8 text (or as a PDF or DOCX) and upload it again.",
  },
  {
    name: "nul.txt",
    file: () => Buffer.from("abc\0def"),
    message: `nul.txt contains binary data, not plain text. ${TYPES}`,
  },
  {
    name: "locked.pdf",
    file: passwordPdf,
    message: "locked.pdf is protected by a password. Remove the password and upload it again.",
  },
];

describe("inspectUpload accepts", () => {
  it("a PDF, with its text extracted", async () => {
    const bytes = await pdfFile([PDF_SENTENCE, "Second paragraph."]);
    const upload = await inspectUpload("Requirements.PDF", bytes);
    expect(upload).toMatchObject({
      kind: "pdf",
      mimeType: "application/pdf",
      filename: "Requirements.PDF",
      sizeBytes: bytes.length,
    });
    expect(upload.text).toContain(PDF_SENTENCE);
    expect(upload.text).toContain("Second paragraph.");
    expect(upload.truncated).toBe(false);
    expect(upload.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a DOCX, with its text extracted", async () => {
    const upload = await inspectUpload("brief.docx", await docxFile([DOCX_SENTENCE, "Żółć & <tags> stay text."]));
    expect(upload).toMatchObject({
      kind: "docx",
      mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      filename: "brief.docx",
      truncated: false,
    });
    expect(upload.text).toBe(`${DOCX_SENTENCE}\n\nŻółć & <tags> stay text.`);
  });

  it("a TXT in UTF-8, with and without a byte order mark, line endings normalised", async () => {
    const plain = await inspectUpload("notes.txt", txtFile());
    const withBom = await inspectUpload("notes-bom.txt", txtFile(undefined, { bom: true }));
    for (const upload of [plain, withBom]) {
      expect(upload).toMatchObject({ kind: "txt", mimeType: "text/plain", truncated: false });
      expect(upload.text).toBe(`${TXT_SENTENCE}\nSecond line.`);
    }
    expect(withBom.sizeBytes).toBe(plain.sizeBytes + 3);
    expect(withBom.sha256).not.toBe(plain.sha256);
  });

  it("a TXT whose text file-type recognises as a text format (XML)", async () => {
    const upload = await inspectUpload("outline.txt", txtFile('<?xml version="1.0"?>\n<outline>Chapter 1</outline>\n'));
    expect(upload.text).toBe('<?xml version="1.0"?>\n<outline>Chapter 1</outline>');
  });

  it("a PDF or DOCX without any text, as an empty text the customer will see", async () => {
    expect((await inspectUpload("scan.pdf", await pdfFile([]))).text).toBe("");
    expect((await inspectUpload("blank.docx", await docxFile([]))).text).toBe("");
  });

  it("exactly 10 MB", async () => {
    const bytes = Buffer.alloc(MAX_UPLOAD_BYTES, "a");
    const upload = await inspectUpload("long.txt", bytes);
    expect(upload.sizeBytes).toBe(10 * 1024 * 1024);
    expect(upload.truncated).toBe(true);
    expect(upload.text).toHaveLength(100_000);
  });

  it("trims, collapses blank lines and caps the text at 100,000 characters", async () => {
    const text = `\n\n  Title  \n\n\n\n\nBody\r\rEnd\n\n${"ж".repeat(120_000)}`;
    const upload = await inspectUpload("long.txt", txtFile(text));
    expect(upload.truncated).toBe(true);
    expect(upload.text.length).toBe(100_000);
    expect(upload.text.startsWith("Title\n\nBody\n\nEnd\n\nжжж")).toBe(true);
  });

  it("names the file by its sanitised basename", async () => {
    const upload = await inspectUpload("C:\\Users\\ana\\..\\brief\u0007\u202e.txt", txtFile());
    expect(upload.filename).toBe("brief.txt");
    expect(sanitiseFilename("../../etc/passwd")).toBe("passwd");
    const long = sanitiseFilename(`${"x".repeat(300)}.pdf`);
    expect(Array.from(long)).toHaveLength(100);
    expect(long.endsWith("….pdf")).toBe(true);
    expect(sanitiseFilename("\u0000\u0001")).toBe("Your file");
  });

  it("lists the accepted types", () => {
    expect(ALLOWED_UPLOAD_TYPES.map((t) => t.extension)).toEqual(["pdf", "docx", "txt"]);
  });
});

describe("inspectUpload refuses", () => {
  it.each(REFUSED)("$name ($message)", async ({ name, file, message }) => {
    const error = await inspectUpload(name, await file()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadRefusedError);
    expect((error as Error).message).toBe(message);
  });

  it("shows a sanitised name in the message", async () => {
    await expect(inspectUpload("/tmp/evil\n\u202eexe.pdf", textNamedPdf())).rejects.toThrow(
      `evilexe.pdf is not a real PDF file (its contents are plain text). ${TYPES}`,
    );
  });
});

describe("saveUpload with a database and storage", () => {
  it("an accepted file gives exactly one row and one stored file", async () => {
    const user = await insertUser(database.db);
    const filesBefore = await countStoredFiles();
    const saved = await saveUpload(database.db, user.id, "requirements.docx", await docxFile());
    expect(saved).toMatchObject({ filename: "requirements.docx", kind: "docx", text: DOCX_SENTENCE, truncated: false });
    expect(await countRows(user.id)).toBe(1);
    expect(await countStoredFiles()).toBe(filesBefore + 1);

    const row = await getUploadForOwner(database.db, saved.id, user.id);
    expect(row).toMatchObject({
      id: saved.id,
      user_id: user.id,
      document_id: null,
      filename: "requirements.docx",
      mime_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      size_bytes: saved.sizeBytes,
      extracted_text: DOCX_SENTENCE,
    });
    expect(row!.storage_key).toMatch(new RegExp(`^uploads/${user.id}/[0-9a-f-]{36}\\.docx$`));
    expect(await storedFileExists(row!.storage_key)).toBe(true);
  });

  it("stores PDF and TXT too", async () => {
    const user = await insertUser(database.db);
    const pdf = await saveUpload(database.db, user.id, "brief.pdf", await pdfFile());
    const txt = await saveUpload(database.db, user.id, "brief.txt", txtFile(undefined, { bom: true }));
    expect(pdf.text).toBe(PDF_SENTENCE);
    expect(txt.text).toBe(`${TXT_SENTENCE}\nSecond line.`);
    expect((await getUploadForOwner(database.db, txt.id, user.id))?.extracted_text).toBe(txt.text);
    expect(await countRows(user.id)).toBe(2);
  });

  it("a refused file leaves no row and no file", async () => {
    const user = await insertUser(database.db);
    const rowsBefore = await countRows();
    const filesBefore = await countStoredFiles();
    for (const { name, file, message } of REFUSED) {
      await expect(saveUpload(database.db, user.id, name, await file()), name).rejects.toThrow(message);
    }
    expect(await countRows()).toBe(rowsBefore);
    expect(await countStoredFiles()).toBe(filesBefore);
  });

  it("removes the stored file again when the row cannot be inserted", async () => {
    const filesBefore = await countStoredFiles();
    const rowsBefore = await countRows();
    // A user id that does not exist: the foreign key refuses the row after the file was written.
    await expect(
      saveUpload(database.db, "00000000-0000-4000-8000-000000000000", "brief.txt", txtFile()),
    ).rejects.toThrow(/foreign key/);
    expect(await countStoredFiles()).toBe(filesBefore);
    expect(await countRows()).toBe(rowsBefore);
  });

  it("another user's upload, or a malformed id, is not found", async () => {
    const owner = await insertUser(database.db);
    const other = await insertUser(database.db);
    const saved = await saveUpload(database.db, owner.id, "brief.txt", txtFile());
    expect(await getUploadForOwner(database.db, saved.id, owner.id)).toBeDefined();
    expect(await getUploadForOwner(database.db, saved.id, other.id)).toBeUndefined();
    expect(await getUploadForOwner(database.db, "not-a-uuid", owner.id)).toBeUndefined();
    expect(await getUploadForOwner(database.db, `${saved.id}'; drop table uploads; --`, owner.id)).toBeUndefined();
  });

  it("attaches an upload only to a document of the same user", async () => {
    const owner = await insertUser(database.db);
    const other = await insertUser(database.db);
    const saved = await saveUpload(database.db, owner.id, "brief.pdf", await pdfFile());
    const mine = await createDocument(database.db, owner.id, { topic: "Energy policy", pages: 10, language: "en" });
    const theirs = await createDocument(database.db, other.id, { topic: "Other topic", pages: 5, language: "en" });

    expect(await attachUploadToDocument(database.db, saved.id, theirs.id, owner.id)).toBe(false);
    expect(await attachUploadToDocument(database.db, saved.id, mine.id, other.id)).toBe(false);
    expect(await attachUploadToDocument(database.db, "nope", mine.id, owner.id)).toBe(false);
    expect(await attachUploadToDocument(database.db, saved.id, mine.id, owner.id)).toBe(true);
    expect(await attachUploadToDocument(database.db, saved.id, mine.id, owner.id)).toBe(true);
    const second = await createDocument(database.db, owner.id, { topic: "Second order", pages: 5, language: "en" });
    expect(await attachUploadToDocument(database.db, saved.id, second.id, owner.id)).toBe(false);
    expect((await getUploadForOwner(database.db, saved.id, owner.id))?.document_id).toBe(mine.id);
    expect((await getDocumentUpload(database.db, mine.id))?.id).toBe(saved.id);
    expect(await getDocumentUpload(database.db, second.id)).toBeUndefined();
  });

  it("deleteUpload removes one upload of its owner, row and file", async () => {
    const owner = await insertUser(database.db);
    const other = await insertUser(database.db);
    const saved = await saveUpload(database.db, owner.id, "brief.txt", txtFile());
    const { storage_key } = (await getUploadForOwner(database.db, saved.id, owner.id))!;
    expect(await deleteUpload(database.db, saved.id, other.id)).toBe(false);
    expect(await storedFileExists(storage_key)).toBe(true);
    expect(await deleteUpload(database.db, saved.id, owner.id)).toBe(true);
    expect(await getUploadForOwner(database.db, saved.id, owner.id)).toBeUndefined();
    expect(await storedFileExists(storage_key)).toBe(false);
    expect(await deleteUpload(database.db, saved.id, owner.id)).toBe(false);
  });

  it("deleteUploadsOfUser removes that user's rows and files, and only theirs", async () => {
    const user = await insertUser(database.db);
    const other = await insertUser(database.db);
    const a = await saveUpload(database.db, user.id, "a.txt", txtFile());
    const b = await saveUpload(database.db, user.id, "b.docx", await docxFile());
    const kept = await saveUpload(database.db, other.id, "c.txt", txtFile());
    const keys = await database.db
      .selectFrom("uploads")
      .select(["id", "storage_key"])
      .where("id", "in", [a.id, b.id, kept.id])
      .execute();
    const keyOf = (id: string) => keys.find((k) => k.id === id)!.storage_key;
    const filesBefore = await countStoredFiles();

    expect(await deleteUploadsOfUser(database.db, user.id)).toBe(2);
    expect(await countRows(user.id)).toBe(0);
    expect(await storedFileExists(keyOf(a.id))).toBe(false);
    expect(await storedFileExists(keyOf(b.id))).toBe(false);
    expect(await countStoredFiles()).toBe(filesBefore - 2);

    expect(await countRows(other.id)).toBe(1);
    expect(await storedFileExists(keyOf(kept.id))).toBe(true);
    expect(await deleteUploadsOfUser(database.db, user.id)).toBe(0);
  });

  it("a PDF whose reading does not end is refused when its time is up, the thread ended", async () => {
    await expect(inspectUpload("endless.pdf", nestedFormsPdf(), { readTimeoutMs: 2000 })).rejects.toThrow(
      "endless.pdf took too long to read (more than 2 seconds), so it was refused.",
    );
  });

  it("deleteStaleDraftUploads also deletes files of no order once 30 days old, and keeps younger ones", async () => {
    const user = await insertUser(database.db);
    const old = await saveUpload(database.db, user.id, "old.txt", txtFile());
    const young = await saveUpload(database.db, user.id, "young.txt", txtFile());
    await sql`update uploads set created_at = now() - interval '31 days' where id = ${old.id}`.execute(database.db);
    const oldKey = (await getUploadForOwner(database.db, old.id, user.id))!.storage_key;

    expect(await deleteStaleDraftUploads(database.db)).toBe(1);
    expect(await getUploadForOwner(database.db, old.id, user.id)).toBeUndefined();
    expect(await storedFileExists(oldKey)).toBe(false);
    expect(await getUploadForOwner(database.db, young.id, user.id)).toBeDefined();
  });

  it("saveUpload refuses a file over the quota before reading it, and counts the file it replaces as gone", async () => {
    const user = await insertUser(database.db);
    const first = await saveUpload(database.db, user.id, "first.txt", txtFile("a".repeat(600 * 1024)), {
      quotaBytes: 1024 * 1024,
    });
    await expect(
      saveUpload(database.db, user.id, "second.txt", txtFile("b".repeat(600 * 1024)), { quotaBytes: 1024 * 1024 }),
    ).rejects.toThrow("second.txt (0.6 MB) does not fit in the 1 MB TesiGo keeps for your files: 0.6 MB are in use.");
    // The hostile PDF would take days: over the quota it is refused before anyone reads it.
    await expect(
      saveUpload(database.db, user.id, "endless.pdf", nestedFormsPdf(), { quotaBytes: 600 * 1024 + 100 }),
    ).rejects.toThrow(/does not fit/);
    const replaced = await saveUpload(database.db, user.id, "again.txt", txtFile("c".repeat(600 * 1024)), {
      quotaBytes: 1024 * 1024,
      replacing: first.id,
    });
    expect(replaced.filename).toBe("again.txt");
    expect(await countRows(user.id)).toBe(2);
  });
});
