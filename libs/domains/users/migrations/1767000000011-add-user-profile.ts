import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** A display name and the time of the last change; existing rows get the email's local part. */
export class AddUserProfile1767000000011 implements MigrationInterface {
  readonly name = 'AddUserProfile1767000000011';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('users', [
      new TableColumn({ name: 'name', type: 'varchar', length: '100', default: "''" }),
      new TableColumn({ name: 'updated_at', type: 'varchar', length: '32', default: "''" }),
    ]);
    const localPart = queryRunner.connection.options.type === 'postgres' ? "split_part(email, '@', 1)" : "substr(email, 1, instr(email, '@') - 1)";
    await queryRunner.query(`UPDATE users SET name = substr(${localPart}, 1, 100), updated_at = created_at`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'updated_at');
    await queryRunner.dropColumn('users', 'name');
  }
}
