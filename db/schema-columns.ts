// Column types the table definitions share (db/schema-*.ts).
import type { ColumnType } from "kysely";

export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
// pg returns bigint columns as strings; we write numbers.
export type BigCount = ColumnType<string, number | bigint | string | undefined, number | bigint | string>;
export type Json<T> = ColumnType<T, string | undefined, string>;
export type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;
