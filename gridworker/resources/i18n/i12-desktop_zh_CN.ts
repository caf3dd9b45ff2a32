<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>MainWindow</name>
        <message>
            <source>&amp;Go</source>
            <translation>转到(&amp;G)</translation>
        </message>
        <message>
            <source>Sync &amp;now</source>
            <translation>立即同步(&amp;N)</translation>
        </message>
    </context>
    <context>
        <name>ReportPage</name>
        <message>
            <source>Save the report on this computer ({0})</source>
            <translation>将上报保存在本机（{0}）</translation>
        </message>
    </context>
    <context>
        <name>SyncPage</name>
        <message>
            <source>Conflicts ({0})</source>
            <translation>冲突（{0}）</translation>
        </message>
        <message>
            <source>Refused ({0})</source>
            <translation>被拒绝（{0}）</translation>
        </message>
        <message>
            <source>Photos to upload ({0})</source>
            <translation>待上传照片（{0}）</translation>
        </message>
    </context>
    <context>
        <name>QFileDialog</name>
        <message>
            <source>&amp;Look in:</source>
            <translation>查找范围(&amp;L)：</translation>
        </message>
        <message>
            <source>Files of &amp;type:</source>
            <translation>文件类型(&amp;T)：</translation>
        </message>
    </context>
</TS>
