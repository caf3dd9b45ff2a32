<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>SyncPage</name>
    <message>
        <location filename="../../ui/pages/sync.py" line="0"/>
        <source>1 change waiting to send · {0}</source>
        <translation>1 条修改待上传 · {0}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="0"/>
        <source>Not sent yet: the server could not be reached</source>
        <translation>尚未上传：暂时连不上服务器</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="0"/>
        <source>Photo of {0}, taken {1}</source>
        <translation>{0} 的照片，拍摄于 {1}</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="0"/>
        <source>Photo of {0}</source>
        <translation>{0} 的照片</translation>
    </message>
    <message>
        <location filename="../../ui/pages/sync.py" line="0"/>
        <source>Photo taken {0}</source>
        <translation>拍摄于 {0} 的照片</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/signin.py" line="0"/>
        <source>Cannot reach the server. Check the network connection and the server address, then sign in again.</source>
        <translation>无法连接服务器。请检查网络连接和服务器地址，然后重新登录。</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="0"/>
        <source>by 1 person</source>
        <translation>共1人走访</translation>
    </message>
    <message>
        <location filename="../../ui/pages/dashboard.py" line="0"/>
        <source>1 incident reworked</source>
        <translation>返工事件 1 件</translation>
    </message>
</context>
<context>
    <name>IncidentBoardPage</name>
    <message>
        <location filename="../../ui/pages/incidents.py" line="0"/>
        <source>1 incident</source>
        <translation>共 1 件</translation>
    </message>
</context>
<context>
    <name>VisitsPage</name>
    <message>
        <location filename="../../ui/pages/visits.py" line="0"/>
        <source>1 day overdue</source>
        <translation>逾期1天</translation>
    </message>
    <message>
        <location filename="../../ui/pages/visits.py" line="0"/>
        <source>1 day</source>
        <translation>1天</translation>
    </message>
    <message>
        <location filename="../../ui/pages/visits.py" line="0"/>
        <source>{0} due; {1}: {2}</source>
        <translation>待走访 {0}；{1}：{2}</translation>
    </message>
</context>
</TS>
