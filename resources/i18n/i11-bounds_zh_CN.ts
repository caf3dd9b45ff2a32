<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>SyncPage</name>
    <message>
        <location filename="../../ui/pages/sync.py" line="185"/>
        <source>Records from the server with a value this computer cannot read: {0}. They are kept as the server sent them, and sync goes on.</source>
        <translation>服务器发来的记录中有本机无法读取的值：{0} 条。这些值已按服务器发来的原样保留，同步照常进行。</translation>
    </message>
</context>
</TS>
