export const SQLITE_DATABASE = Symbol('SQLITE_DATABASE');
export const DATA_DIR_LOCK = Symbol('DATA_DIR_LOCK');
