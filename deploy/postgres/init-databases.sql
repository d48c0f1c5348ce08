-- A database per module: no module can join another's tables.
CREATE DATABASE cleave_users;
CREATE DATABASE cleave_catalog;
CREATE DATABASE cleave_orders;
CREATE DATABASE cleave_notifications;
CREATE DATABASE cleave_cart;
CREATE DATABASE cleave_payments;
