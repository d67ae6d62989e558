-- Metabase's own application database, beside the serving database on the same server.
create database metabase;
