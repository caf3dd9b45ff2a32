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
        <message>
            <source>GridWorker</source>
            <translation>网格员工作台</translation>
        </message>
        <message>
            <source>Log folder</source>
            <translation>日志文件夹</translation>
        </message>
        <message>
            <source>No file manager could be opened on this computer. The log files are in this folder:</source>
            <translation>本机无法打开文件管理器。日志文件在此文件夹中：</translation>
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
    <context>
        <name>PathDialog</name>
        <message>
            <source>Copy the path</source>
            <translation>复制路径</translation>
        </message>
    </context>
    <context>
        <name>RegisterPage</name>
        <message>
            <source>A handler cannot change the register</source>
            <translation>处置人员不能修改台账</translation>
        </message>
    </context>
</TS>
