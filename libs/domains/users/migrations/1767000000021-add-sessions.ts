import { MigrationInterface, QueryRunner } from 'typeorm';

/** Revocable sessions: a token version per user, and refresh tokens by family. */
export class AddSessions1767000000021 implements MigrationInterface {
  readonly name = 'AddSessions1767000000021';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A plain ALTER TABLE on both databases (TypeORM would rebuild the table on SQLite).
    await queryRunner.query('ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0');
    await queryRunner.query(`CREATE TABLE refresh_tokens (
      id varchar(36) PRIMARY KEY,
      token_hash varchar(64) NOT NULL,
      family_id varchar(36) NOT NULL,
      user_id varchar(36) NOT NULL,
      expires_at varchar(32) NOT NULL,
      used_at varchar(32),
      revoked_at varchar(32),
      created_at varchar(32) NOT NULL
    )`);
    await queryRunner.query('CREATE UNIQUE INDEX refresh_tokens_token_hash ON refresh_tokens (token_hash)');
    await queryRunner.query('CREATE INDEX refresh_tokens_family_id ON refresh_tokens (family_id)');
    await queryRunner.query('CREATE INDEX refresh_tokens_user_id ON refresh_tokens (user_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE refresh_tokens');
    await queryRunner.query('ALTER TABLE users DROP COLUMN token_version');
  }
}
