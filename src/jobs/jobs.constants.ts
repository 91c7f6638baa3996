export const SQLITE_DATABASE = Symbol('SQLITE_DATABASE');
