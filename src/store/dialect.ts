/** The database engines Gantry runs on. */
export type Dialect = 'sqlite' | 'postgres';
