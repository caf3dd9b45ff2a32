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
        <message>
            <source>The same problem, seen again: photos added</source>
            <translation>同一问题再次发现，已补充照片</translation>
        </message>
        <message>
            <source>Not reported again: your photos were added to the existing incident.</source>
            <translation>未重复上报：您的照片已补充到已有事件。</translation>
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
    <context>
        <name>IncidentDialog</name>
        <message>
            <source>Same problem: don't report it, add my photos to this incident</source>
            <translation>这是同一个问题：不再上报，把我的照片补充到已有事件</translation>
        </message>
        <message>
            <source>The report is not made and its draft is discarded; its photos are added to this incident with its description as a comment</source>
            <translation>不再新建事件，草稿随之删除；照片连同问题描述作为备注补充到此事件</translation>
        </message>
        <message>
            <source>Add a photo to the report first</source>
            <translation>请先为上报添加照片</translation>
        </message>
    </context>
    <context>
        <name>PhotoViewer</name>
        <message>
            <source>Download the original</source>
            <translation>下载原图</translation>
        </message>
        <message>
            <source>Downloading the original…</source>
            <translation>正在下载原图…</translation>
        </message>
        <message>
            <source>Not downloaded: {0}</source>
            <translation>未能下载：{0}</translation>
        </message>
    </context>
</TS>
