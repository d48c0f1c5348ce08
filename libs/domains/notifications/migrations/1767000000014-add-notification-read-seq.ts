import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * `is_read`, and `seq`: a unique, increasing number a live client resumes from. Rows already
 * there are numbered in the order they were recorded.
 */
export class AddNotificationReadSeq1767000000014 implements MigrationInterface {
  readonly name = 'AddNotificationReadSeq1767000000014';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('notifications', [
      new TableColumn({ name: 'is_read', type: 'boolean', default: false }),
      new TableColumn({ name: 'seq', type: 'integer', default: 0 }),
    ]);
    await queryRunner.query(
      `UPDATE notifications SET seq = (SELECT COUNT(*) FROM notifications earlier
         WHERE earlier.created_at < notifications.created_at OR (earlier.created_at = notifications.created_at AND earlier.id <= notifications.id))`,
    );
    await queryRunner.createIndex('notifications', new TableIndex({ name: 'UQ_notifications_seq', columnNames: ['seq'], isUnique: true }));
    await queryRunner.dropIndex('notifications', 'IDX_notifications_user');
    await queryRunner.createIndex('notifications', new TableIndex({ name: 'IDX_notifications_user_seq', columnNames: ['user_id', 'seq'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('notifications', 'IDX_notifications_user_seq');
    await queryRunner.createIndex('notifications', new TableIndex({ name: 'IDX_notifications_user', columnNames: ['user_id', 'created_at'] }));
    await queryRunner.dropIndex('notifications', 'UQ_notifications_seq');
    await queryRunner.dropColumn('notifications', 'seq');
    await queryRunner.dropColumn('notifications', 'is_read');
  }
}
