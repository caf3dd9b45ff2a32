<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>SyncText</name>
    <message>
        <location filename="../../gridworker/ui/widgets/sync_status.py" line="84"/>
        <source>1 record could not be read</source>
        <translation>1 条记录无法读取</translation>
    </message>
    <message>
        <location filename="../../gridworker/ui/widgets/sync_status.py" line="85"/>
        <source>{0} records could not be read</source>
        <translation>{0} 条记录无法读取</translation>
    </message>
</context>
<context>
    <name>RegisterPage</name>
    <message>
        <location filename="../../gridworker/ui/pages/register.py" line="290"/>
        <source>Outside your areas: you cannot add here</source>
        <translation>不在您负责的区域内：不能在此新增</translation>
    </message>
</context>
</TS>
