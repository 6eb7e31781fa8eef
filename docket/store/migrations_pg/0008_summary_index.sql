CREATE INDEX documents_summary ON documents(publisher, period, file_name, id);
