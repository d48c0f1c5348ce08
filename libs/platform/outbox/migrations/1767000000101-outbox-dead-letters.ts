import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Events given up on stay in the table, marked, for inspection (see OutboxRelay). */
export class OutboxDeadLetters1767000000101 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('outbox', new TableColumn({ name: 'dead_at', type: 'varchar', length: '32', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('outbox', 'dead_at');
  }
}
