import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

export class CreateNotifications1767000000004 implements MigrationInterface {
  readonly name = 'CreateNotifications1767000000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'notifications',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'kind', type: 'varchar', length: '64' },
          { name: 'message', type: 'text' },
          { name: 'event_id', type: 'varchar', length: '128' },
          { name: 'created_at', type: 'varchar', length: '32' },
        ],
      }),
      true,
    );
    await queryRunner.createIndex('notifications', new TableIndex({ name: 'IDX_notifications_user', columnNames: ['user_id', 'created_at'] }));
    await queryRunner.createIndex('notifications', new TableIndex({ name: 'UQ_notifications_event', columnNames: ['event_id'], isUnique: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('notifications', true);
  }
}
