import type Database from 'better-sqlite3';

/** Statements whose SQL is built at run time, prepared once per distinct text. */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
  }

  get(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
